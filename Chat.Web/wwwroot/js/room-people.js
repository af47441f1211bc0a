// Who is here (docs/architecture.md, "Presence"): each participant's profile opened once per ciphertext, the
// signing key it carries learned (a member whose key changed while this tab watched is said in the conversation:
// docs/signatures.md), and "joined" / "left" lines, shown live and never stored.
import * as envelope from './envelope.js';

export class People {
  /** keys(), me() and participants() give the page's current state; leaveSettlesMs() is 1.5 heartbeat intervals. */
  constructor({ view, trust, keys, me, participants, leaveSettlesMs }) {
    Object.assign(this, { view, trust, keys, me, participants, leaveSettlesMs });
    this.profiles = new Map(); // member + ciphertext -> promise of { nick, signingKey } or null
    this.leaving = new Map(); // member -> timer of its pending "left" line
  }

  profileOf(p) {
    const cacheKey = `${p.member}|${p.profile.ciphertext}`;
    if (!this.profiles.has(cacheKey)) this.profiles.set(cacheKey, this.open(p));
    return this.profiles.get(cacheKey);
  }

  async open(p) {
    const keys = this.keys();
    const profile = keys && await envelope.openMemberProfile(keys, p.member, p.profile);
    if (profile && this.trust.learn(p.member, profile.signingKey) === 'changed') this.view.addPresenceLine(profile.nick, 'keyChanged');
    return profile;
  }

  async nickOf(p) {
    return (await this.profileOf(p))?.nick ?? null;
  }

  /** The participant with this member id, if present, with its profile opened (so its key is known). */
  async present(member) {
    const p = this.participants().find(candidate => candidate.member === member);
    if (p) await this.profileOf(p);
    return p ?? null;
  }

  /** A typing notice opens only with the room's key, for the member the server stamped, who must be present. */
  async typing(notice) {
    const member = notice?.member;
    const keys = this.keys();
    if (typeof member !== 'string' || member === this.me()?.member || !keys) return null;
    const at = await envelope.openTyping(keys, member, notice);
    const present = at && this.participants().find(p => p.member === member);
    const nick = present && await this.nickOf(present);
    return nick ? { member, nick, at } : null;
  }

  async render() {
    const people = await Promise.all(this.participants().map(async p => {
      const nick = await this.nickOf(p);
      return { member: p.member, nick, fingerprint: nick === null ? null : await this.trust.fingerprintOf(p.member) };
    }));
    this.view.renderPeople(people, this.me()?.member);
  }

  // A leave waits a moment: someone back soon (a reload, a reconnect, a rejoin on the next heartbeat after the room
  // moved) was never gone. Longer than a heartbeat interval; "left" shows that much later than it happened.
  async added({ item }) {
    this.render();
    if (!item || item.member === this.me()?.member) return;
    if (this.leaving.has(item.member)) {
      clearTimeout(this.leaving.get(item.member));
      this.leaving.delete(item.member);
      return;
    }
    this.view.addPresenceLine(await this.nickOf(item), 'joined');
  }

  removed({ item }) {
    this.render();
    if (!item || item.member === this.me()?.member || this.leaving.has(item.member)) return;
    this.leaving.set(item.member, setTimeout(async () => {
      this.leaving.delete(item.member);
      this.view.addPresenceLine(await this.nickOf(item), 'left');
    }, this.leaveSettlesMs()));
  }
}
