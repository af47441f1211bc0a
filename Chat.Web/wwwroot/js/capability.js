// The link is the capability (docs/capability.md). Chat.Client/Envelope/RoomCapability.cs and MemberKey.cs
// do the same in C#, byte for byte; both are checked against Chat.Tests/Envelope/capability-vectors.json.
// The access token has an HKDF info of its own, so showing it to the server reveals nothing about the
// message and profile keys; the room id is a hash of it, so an id certifies its secret.

import { parseSecret, toBase64Url } from './envelope.js';

const VERSION = 'chat/v1';
const ACCESS_BYTES = 32;
const MEMBER_KEY_BYTES = 32;
export const MEMBER_ID_LENGTH = 22;
const utf8 = new TextEncoder();

/** HKDF-SHA256(ikm = secret, salt = "chat/v1", info = "chat/v1/access"), 32 bytes. */
export async function accessToken(secretBytes) {
  const ikm = await crypto.subtle.importKey('raw', secretBytes, 'HKDF', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits(
    { name: 'HKDF', hash: 'SHA-256', salt: utf8.encode(VERSION), info: utf8.encode(`${VERSION}/access`) },
    ikm, ACCESS_BYTES * 8);
  return new Uint8Array(bits);
}

/** The first 16 bytes of SHA-256("chat/v1/room-id" || access) with UUID v4's bits, as a lowercase UUID. */
export async function roomIdOf(access) {
  const h = (await sha256(`${VERSION}/room-id`, access)).slice(0, 16);
  h[6] = (h[6] & 0x0f) | 0x40;
  h[8] = (h[8] & 0x3f) | 0x80;
  const hex = Array.from(h, b => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** What unlocks the room at the server: the access token, base64url without padding. */
export function proofOf(access) {
  return toBase64Url(access);
}

/** The room id a secret (its bytes, or the link's fragment) derives; null for a fragment that is no secret. */
export async function roomIdFromSecret(secret) {
  const bytes = typeof secret === 'string' ? parseSecret(secret) : secret;
  return bytes ? roomIdOf(await accessToken(bytes)) : null;
}

/** Whether a link's id is the one its secret derives; a link whose id does not match is damaged. */
export async function linkMatches(roomId, secret) {
  const expected = await roomIdFromSecret(secret);
  if (expected === null || typeof roomId !== 'string' || roomId.length !== expected.length) return false;
  // Compared without stopping at the first difference, as the server compares proofs.
  let difference = 0;
  for (let i = 0; i < expected.length; i++) difference |= expected.charCodeAt(i) ^ roomId.charCodeAt(i);
  return difference === 0;
}

/** A tab's random 32-byte member key; only its holder can act as the member. */
export function newMemberKey() {
  return crypto.getRandomValues(new Uint8Array(MEMBER_KEY_BYTES));
}

/** A kept member key's bytes, or null unless it is 43 canonical base64url characters (32 bytes). */
export function parseMemberKey(text) {
  return parseSecret(text);
}

/** The public member id: base64url(SHA-256("chat/v1/member" || memberKey)), first 22 characters. */
export async function memberIdOf(memberKey) {
  return toBase64Url(await sha256(`${VERSION}/member`, memberKey)).slice(0, MEMBER_ID_LENGTH);
}

async function sha256(prefix, bytes) {
  const label = utf8.encode(prefix);
  const input = new Uint8Array(label.length + bytes.length);
  input.set(label);
  input.set(bytes, label.length);
  return new Uint8Array(await crypto.subtle.digest('SHA-256', input));
}
