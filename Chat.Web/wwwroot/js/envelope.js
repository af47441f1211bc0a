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

/** Version 1 without a signature; version 2 (docs/signatures.md) when the body carries its counter and signature. */
export async function sealMessage(keys, messageId, { member, nick, text, sentAt, counter, sig }, nonce = newNonce()) {
  const json = sig == null
    ? JSON.stringify({ v: 1, member, nick, text, sentAt })
    : JSON.stringify({ v: 2, member, counter, sentAt, nick, text, sig });
  return seal(keys.message, json, `${VERSION}|${keys.roomId}|${messageId}`, nonce);
}

/** The message, or null when it is unreadable (wrong key, tampered, moved to another id or room). */
export async function openMessage(keys, messageId, box) {
  const body = await open(keys.message, box, `${VERSION}|${keys.roomId}|${messageId}`, [1, 2]);
  const ok = body && ['member', 'nick', 'text', 'sentAt'].every(k => typeof body[k] === 'string');
  if (!ok) return null;
  const message = { v: body.v, member: body.member, nick: body.nick, text: body.text, sentAt: body.sentAt };
  if (body.v === 1) return message;
  const counted = Number.isSafeInteger(body.counter) && body.counter >= 1 && typeof body.sig === 'string';
  return counted ? { ...message, counter: body.counter, sig: body.sig } : null;
}

/** Version 1 holds the nickname; version 2 also the public key the member's messages are signed with. */
export async function sealProfile(keys, member, { nick, signingKey }, nonce = newNonce()) {
  const json = signingKey == null ? JSON.stringify({ v: 1, nick }) : JSON.stringify({ v: 2, nick, signingKey });
  return seal(keys.profile, json, `${VERSION}/profile|${keys.roomId}|${member}`, nonce);
}

/** The nickname, or null when the profile is unreadable. */
export async function openProfile(keys, member, box) {
  return (await openMemberProfile(keys, member, box))?.nick ?? null;
}

/** { nick, signingKey } (the key text, or null before version 2), or null when the profile is unreadable. */
export async function openMemberProfile(keys, member, box) {
  const body = await open(keys.profile, box, `${VERSION}/profile|${keys.roomId}|${member}`, [1, 2]);
  if (!body || typeof body.nick !== 'string') return null;
  if (body.v === 1) return { nick: body.nick, signingKey: null };
  return typeof body.signingKey === 'string' ? { nick: body.nick, signingKey: body.signingKey } : null;
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

async function open(key, box, aad, versions = [1]) {
  const sealed = box && fromBase64(box.ciphertext);
  const nonce = box && fromBase64(box.nonce);
  if (!sealed || !nonce || nonce.length !== NONCE_BYTES) return null;
  try {
    const plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: nonce, additionalData: utf8.encode(aad), tagLength: 128 }, key, sealed);
    const body = JSON.parse(fromUtf8.decode(plain));
    return body && versions.includes(body.v) ? body : null;
  } catch {
    return null;
  }
}
