// How the page reaches its room: the link's fragment gives the room keys and the proof of the access token
// (docs/capability.md), and the configuration names the gateway to connect to.
import * as capability from './capability.js';
import * as envelope from './envelope.js';

/**
 * { keys, proof } from the link, or { problem } ('room.linkNoKey', 'room.linkDamaged') when the fragment holds no
 * secret or its room id does not match it (damaged or tampered with: it opens nothing, so the page does not even
 * connect). The secret's bytes are zeroed once the keys exist.
 */
export async function openLink(roomId, fragment) {
  const secret = envelope.parseSecret(fragment);
  if (!secret) return { problem: 'room.linkNoKey' };
  if (!await capability.linkMatches(roomId, secret)) {
    secret.fill(0);
    return { problem: 'room.linkDamaged' };
  }
  const keys = await envelope.deriveKeys(secret, roomId);
  const access = await capability.accessToken(secret);
  const proof = capability.proofOf(access);
  access.fill(0);
  secret.fill(0);
  return { keys, proof };
}

/** The gateway's WebSocket URL from the configured one, relative to the page and on its scheme. */
export function gatewayUrl(gateway) {
  const url = new URL(gateway, location.href);
  if (url.protocol === 'http:') url.protocol = 'ws:';
  if (url.protocol === 'https:') url.protocol = 'wss:';
  return url.href;
}
