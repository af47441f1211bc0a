// What this page believes about who wrote what in one room (docs/signatures.md): the signing keys it has seen in
// each member's profile, the message ids it has shown, and the counters of each key in the room's order.
// Keys seen are kept for the tab (sessionStorage), so that after a reload the messages of someone who has left since
// still verify; a member whose profile this tab never saw cannot be verified, and is shown so.
import { fingerprint, MessageVerifier } from './signing.js';

export class RoomTrust {
  constructor(roomId) {
    this.storageKey = `chat.keys.${roomId}`;
    this.keysSeen = new Map(Object.entries(JSON.parse(sessionStorage.getItem(this.storageKey) ?? '{}')));
    this.verifier = new MessageVerifier(roomId);
    this.shown = new Set();
  }

  /** Notes the key of a member's profile: 'new' the first time, 'same', or 'changed' when it differs from the last one. */
  learn(member, signingKey) {
    if (!signingKey) return 'same';
    const keys = this.keysSeen.get(member) ?? [];
    if (keys[keys.length - 1] === signingKey) return 'same';
    const what = keys.length === 0 ? 'new' : 'changed';
    this.keysSeen.set(member, [...keys.filter(k => k !== signingKey), signingKey]);
    sessionStorage.setItem(this.storageKey, JSON.stringify(Object.fromEntries(this.keysSeen)));
    return what;
  }

  /** The member's current key's fingerprint, or null when its profile carries no key. */
  async fingerprintOf(member) {
    const keys = this.keysSeen.get(member);
    return keys?.length ? fingerprint(keys[keys.length - 1]) : null;
  }

  /**
   * 'duplicate' for a message id already shown (a replay under a new seq is dropped), 'unreadable' without a body,
   * otherwise what MessageVerifier says, trying every key this tab has seen for the member the server stamped.
   */
  async check(item, body) {
    if (this.shown.has(item.id)) return 'duplicate';
    this.shown.add(item.id);
    if (!body) return 'unreadable';
    const keys = [...this.keysSeen.get(item.member) ?? []].reverse();
    if (keys.length === 0) return this.verifier.check(item.id, item.seq, item.member, body, null);
    let trust;
    for (const key of keys) {
      trust = await this.verifier.check(item.id, item.seq, item.member, body, key);
      if (trust !== 'badSignature') break;
    }
    return trust;
  }
}
