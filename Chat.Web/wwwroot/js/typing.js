// "Ada is typing…" (docs/page.md, "Typing"). While the person writes, a notice goes out every
// EVERY_MS at most (the room relays one per member per second); others show who is writing for
// SHOWN_MS, or until a message that person wrote after the notice arrives. Sealing, the call and
// reading a notice are the room page's (announce, read); this keeps the timing.
import { errorCode, retryAfterMs } from './errors.js';

const EVERY_MS = 3000;
const SHOWN_MS = 5000;

export class TypingLine {
  /**
   * announce(): seals and sends one notice. read(notice): { member, nick, at } when it opens and its
   * writer is present, else null. show(nicks): draws the line. hasDraft(): whether the box holds text.
   */
  constructor({ announce, read, show, hasDraft }) {
    this.announce = announce;
    this.read = read;
    this.show = show;
    this.hasDraft = hasDraft;
    this.sentAt = 0;
    this.typists = new Map(); // member -> { nick, at, timer }
  }

  /** The person wrote something. */
  async writing() {
    if (Date.now() - this.sentAt < EVERY_MS) return;
    this.sentAt = Date.now();
    try {
      await this.announce();
    } catch (error) {
      // Too soon after the last notice (a message was just sent): announce again when the room allows
      // it, if the person is still writing. Any other loss costs nothing: the next keystroke after
      // EVERY_MS sends another.
      const wait = retryAfterMs(error);
      if (errorCode(error) === 'room.rateLimited' && wait <= EVERY_MS) {
        this.sentAt = 0;
        setTimeout(() => {
          if (this.hasDraft()) this.writing();
        }, wait);
      }
    }
  }

  /** The person sent a message, which ends the others' line: the next keystroke announces at once. */
  messageSent() {
    this.sentAt = 0;
  }

  /** A notice from the room. */
  async noticed(notice) {
    const typist = await this.read(notice);
    if (!typist) return;
    clearTimeout(this.typists.get(typist.member)?.timer);
    this.typists.delete(typist.member);
    this.typists.set(typist.member, { ...typist, timer: setTimeout(() => this.stopped(typist.member), SHOWN_MS) });
    this.redraw();
  }

  /** A message arrived; only one written after the notice ends it (both times are the writer's clock), as decryption can finish out of order. */
  messageFrom(member, sentAt) {
    if (sentAt >= (this.typists.get(member)?.at ?? '')) this.stopped(member);
  }

  stopped(member) {
    if (!this.typists.has(member)) return;
    clearTimeout(this.typists.get(member).timer);
    this.typists.delete(member);
    this.redraw();
  }

  redraw() {
    this.show([...this.typists.values()].map(x => x.nick));
  }
}
