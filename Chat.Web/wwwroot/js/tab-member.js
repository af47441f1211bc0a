// This tab's membership of one room (docs/capability.md, "Member keys"), kept in sessionStorage so a reload stays
// the same member with the same nickname; gone when the tab closes. The member key is what makes this tab the
// member: besides here it goes only into the params of the member-bound calls, never on screen or into a log.
// The secret and the proof are never stored anywhere.
import * as capability from './capability.js';
import { toBase64Url } from './envelope.js';

export class TabMember {
  constructor(roomId) {
    this.prefix = roomId;
  }

  get nick() {
    return sessionStorage.getItem(`chat.nick.${this.prefix}`);
  }

  /** This tab's member key (kept, or new) and the member id it stands for, as the participants list shows it. */
  async load() {
    const key = capability.parseMemberKey(sessionStorage.getItem(`chat.memberKey.${this.prefix}`)) ?? capability.newMemberKey();
    return { member: await capability.memberIdOf(key), memberKey: toBase64Url(key) };
  }

  save({ member, memberKey, nick }) {
    sessionStorage.setItem(`chat.memberKey.${this.prefix}`, memberKey);
    sessionStorage.setItem(`chat.member.${this.prefix}`, member);
    sessionStorage.setItem(`chat.nick.${this.prefix}`, nick);
  }
}
