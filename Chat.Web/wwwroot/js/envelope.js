// The end-to-end envelope (docs/architecture.md, "The envelope"; docs/page.md). Chat.Client/Envelope/RoomKeys.cs does the same in C#,
// byte for byte; both are checked against Chat.Tests/Envelope/vectors.json.
// Keys are non-extractable CryptoKeys derived from the link's secret; the secret itself is never a key.

const VERSION = 'chat/v1';
const NONCE_BYTES = 12;
const SECRET_BYTES = 32;
const STEP = 256;
const STEP_LIMIT = 4096;
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8', { fatal: true });

export const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export function newSecret() {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(SECRET_BYTES)));
}

/** The secret's bytes, or null unless it is 43 canonical base64url characters (32 bytes). */
export function parseSecret(fragment) {
  if (typeof fragment !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(fragment)) return null;
  const bytes = fromBase64(fragment.replace(/-/g, '+').replace(/_/g, '/') + '=');
  if (!bytes || bytes.length !== SECRET_BYTES || toBase64Url(bytes) !== fragment) return null;
  return bytes;
}

export async function deriveKeys(secretBytes, roomId) {
  const ikm = await crypto.subtle.importKey('raw', secretBytes, 'HKDF', false, ['deriveKey']);
  const salt = utf8.encode(`room:${roomId}`);
  const derive = info => crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt, info: utf8.encode(`${VERSION}/${info}`) },
    ikm, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
  return { roomId, message: await derive('message'), profile: await derive('profile') };
}

export function bucketFor(length) {
  if (length <= STEP_LIMIT) return Math.max(STEP, Math.ceil(length / STEP) * STEP);
  let bucket = STEP_LIMIT;
  while (bucket < length) bucket *= 2;
  return bucket;
}

export async function sealMessage(keys, messageId, { member, nick, text, sentAt }, nonce = newNonce()) {
  const json = JSON.stringify({ v: 1, member, nick, text, sentAt });
  return seal(keys.message, json, `${VERSION}|${keys.roomId}|${messageId}`, nonce);
}

/** The message, or null when it is unreadable (wrong key, tampered, moved to another id or room). */
export async function openMessage(keys, messageId, box) {
  const body = await open(keys.message, box, `${VERSION}|${keys.roomId}|${messageId}`);
  const ok = body && ['member', 'nick', 'text', 'sentAt'].every(k => typeof body[k] === 'string');
  return ok ? { member: body.member, nick: body.nick, text: body.text, sentAt: body.sentAt } : null;
}

export async function sealProfile(keys, member, nick, nonce = newNonce()) {
  return seal(keys.profile, JSON.stringify({ v: 1, nick }), `${VERSION}/profile|${keys.roomId}|${member}`, nonce);
}

/** The nickname, or null when the profile is unreadable. */
export async function openProfile(keys, member, box) {
  const body = await open(keys.profile, box, `${VERSION}/profile|${keys.roomId}|${member}`);
  return body && typeof body.nick === 'string' ? body.nick : null;
}

/** A typing notice: a time only, under the profile key, bound to its purpose, room and member. */
export async function sealTyping(keys, member, at, nonce = newNonce()) {
  return seal(keys.profile, JSON.stringify({ v: 1, at }), `${VERSION}/typing|${keys.roomId}|${member}`, nonce);
}

/** The notice's time, or null when it is unreadable (another key, another member, a profile passed off as a notice). */
export async function openTyping(keys, member, box) {
  const body = await open(keys.profile, box, `${VERSION}/typing|${keys.roomId}|${member}`);
  return body && typeof body.at === 'string' ? body.at : null;
}

export function newNonce() {
  return crypto.getRandomValues(new Uint8Array(NONCE_BYTES));
}

export function toBase64(bytes) {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

export function fromBase64(text) {
  try {
    const binary = atob(text);
    return Uint8Array.from(binary, c => c.charCodeAt(0));
  } catch {
    return null;
  }
}

export function toBase64Url(bytes) {
  return toBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

async function seal(key, json, aad, nonce) {
  const plain = utf8.encode(json);
  const padded = new Uint8Array(bucketFor(plain.length)).fill(0x20);
  padded.set(plain);
  const sealed = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv: nonce, additionalData: utf8.encode(aad), tagLength: 128 }, key, padded);
  return { ciphertext: toBase64(new Uint8Array(sealed)), nonce: toBase64(nonce) };
}

async function open(key, box, aad) {
  const sealed = box && fromBase64(box.ciphertext);
  const nonce = box && fromBase64(box.nonce);
  if (!sealed || !nonce || nonce.length !== NONCE_BYTES) return null;
  try {
    const plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: nonce, additionalData: utf8.encode(aad), tagLength: 128 }, key, sealed);
    const body = JSON.parse(fromUtf8.decode(plain));
    return body && body.v === 1 ? body : null;
  } catch {
    return null;
  }
}
