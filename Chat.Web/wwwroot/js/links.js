// Web addresses in a message become links; nothing else does. Only http and https: a javascript:,
// data: or file: address stays text. The result is a list of pieces for textContent and <a> elements,
// never markup, and no address is fetched (a preview would tell a third party what was written).

const CANDIDATE = /\bhttps?:\/\/[^\s<>"]+/gi;
const TRAILING = /[.,;:!?'"\]}>]+$/;

/** Splits text into [{ text }] and [{ text, href }] pieces, in order, that join back into the text. */
export function linkPieces(text) {
  const pieces = [];
  let at = 0;
  for (const match of text.matchAll(CANDIDATE)) {
    const address = trim(match[0]);
    const href = safeHref(address);
    if (!href) continue;
    if (match.index > at) pieces.push({ text: text.slice(at, match.index) });
    pieces.push({ text: address, href });
    at = match.index + address.length;
  }
  if (at < text.length) pieces.push({ text: text.slice(at) });
  return pieces;
}

// "(see https://example.org/a)" keeps its closing parenthesis out of the link; "https://en.wikipedia.org/wiki/Foo_(bar)" keeps it in.
function trim(address) {
  let trimmed = address.replace(TRAILING, '');
  while (trimmed.endsWith(')') && count(trimmed, '(') < count(trimmed, ')')) {
    trimmed = trimmed.slice(0, -1).replace(TRAILING, '');
  }
  return trimmed;
}

function count(text, char) {
  return text.split(char).length - 1;
}

function safeHref(address) {
  try {
    const url = new URL(address);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}
