// Member signatures (docs/signatures.md). Chat.Client/Envelope (MemberSigner, MemberPublicKey, MessageSignature,
// MessageVerifier) does the same in C#; both are checked against Chat.Tests/Envelope/signature-vectors.json.
// ECDSA P-256 with SHA-256: every browser's WebCrypto has it. The private key is made non-extractable.

import { toBase64Url, fromBase64 } from './envelope.js';

const KEY = { name: 'ECDSA', namedCurve: 'P-256' };
const SIGN = { name: 'ECDSA', hash: 'SHA-256' };
const PUBLIC_KEY_BYTES = 65;
const SIGNATURE_BYTES = 64;
const utf8 = new TextEncoder();
const imported = new Map();

/** A new key pair for this tab: the private half can sign but never leave the browser. */
export function newSigningKeys() {
  return crypto.subtle.generateKey(KEY, false, ['sign', 'verify']);
}

/** The public key as the profile carries it: base64url of the raw uncompressed point (65 bytes). */
export async function publicKeyText(publicKey) {
  return toBase64Url(new Uint8Array(await crypto.subtle.exportKey('raw', publicKey)));
}

/** The CryptoKey of a profile's key text, or null unless it is a canonical P-256 point. */
export async function importPublicKey(text) {
  if (!imported.has(text)) imported.set(text, importOnce(text));
  return imported.get(text);
}

async function importOnce(text) {
  const raw = fromBase64Url(text, PUBLIC_KEY_BYTES);
  if (!raw || raw[0] !== 0x04) return null;
  try {
    return await crypto.subtle.importKey('raw', raw, KEY, true, ['verify']);
  } catch {
    return null;
  }
}

/** What a version 2 message signs: ["chat/v2/message", room, id, member, counter, sentAt, nick, text] as JSON. */
export function signedContent(roomId, messageId, { member, counter, sentAt, nick, text }) {
  return utf8.encode(JSON.stringify(['chat/v2/message', roomId, messageId, member, counter, sentAt, nick, text]));
}

export async function signBody(privateKey, roomId, messageId, body) {
  const signature = await crypto.subtle.sign(SIGN, privateKey, signedContent(roomId, messageId, body));
  return toBase64Url(new Uint8Array(signature));
}

export async function verifyBody(publicKey, roomId, messageId, body) {
  const signature = fromBase64Url(body.sig, SIGNATURE_BYTES);
  if (!publicKey || !signature) return false;
  try {
    return await crypto.subtle.verify(SIGN, publicKey, signature, signedContent(roomId, messageId, body));
  } catch {
    return false;
  }
}

/** Four groups of five digits: five bytes each of SHA-256("chat/v2/fingerprint|" || raw key), modulo 100,000. */
export async function fingerprint(text) {
  const raw = fromBase64Url(text, PUBLIC_KEY_BYTES);
  if (!raw) return null;
  const input = new Uint8Array([...utf8.encode('chat/v2/fingerprint|'), ...raw]);
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', input));
  const groups = [];
  for (let g = 0; g < 4; g++) {
    let chunk = 0n;
    for (const b of hash.subarray(g * 5, g * 5 + 5)) chunk = (chunk << 8n) | BigInt(b);
    groups.push((chunk % 100000n).toString().padStart(5, '0'));
  }
  return groups.join(' ');
}

/**
 * Checks one room's messages in any order (history loads older pages later): per sender key, counters must increase
 * with seq. Give each message id once; the page drops an id it has already shown before asking.
 * Returns 'verified', 'notSigned', 'stampMismatch', 'unknownKey', 'badSignature' or 'counterNotIncreasing'.
 */
export class MessageVerifier {
  constructor(roomId) {
    this.roomId = roomId;
    this.counters = new Map(); // member|key -> [{ seq, counter }] sorted by seq
  }

  async check(messageId, seq, stamp, body, senderKeyText) {
    if (body.v !== 2) return 'notSigned';
    if (stamp !== body.member) return 'stampMismatch';
    const key = senderKeyText ? await importPublicKey(senderKeyText) : null;
    if (!key) return 'unknownKey';
    if (!await verifyBody(key, this.roomId, messageId, body)) return 'badSignature';
    const id = `${body.member}|${senderKeyText}`;
    const list = this.counters.get(id) ?? [];
    this.counters.set(id, list);
    let at = 0;
    while (at < list.length && list[at].seq < seq) at++;
    const fits = (at === list.length || (list[at].seq !== seq && list[at].counter > body.counter))
      && (at === 0 || list[at - 1].counter < body.counter);
    if (!fits) return 'counterNotIncreasing';
    list.splice(at, 0, { seq, counter: body.counter });
    return 'verified';
  }
}

function fromBase64Url(text, length) {
  if (typeof text !== 'string' || !/^[A-Za-z0-9_-]+$/.test(text)) return null;
  const padded = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - text.length % 4) % 4);
  const bytes = fromBase64(padded);
  return bytes && bytes.length === length && toBase64Url(bytes) === text ? bytes : null;
}
