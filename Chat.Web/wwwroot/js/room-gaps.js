// Nothing is skipped silently (docs/page.md, "Behaviour"; docs/signatures.md, "Replays and gaps"). After a
// reconnect the window holds the newest messages only: when it starts after the last one this page was given, what
// lies between is read through history, newest page first, and shown in its place; a seq the room's history does not
// hold although later ones exist was withheld, and is said where it is missing. The newest seq is kept as events
// arrive, before decryption, so messages that finish decrypting out of order are not taken for a gap.
import { describeError } from './errors.js';
import { t } from './i18n.js';

const GAP_PAGE = 200;
const GAP_MAX = 1000; // read at most this many missed messages by itself; the rest is said, not fetched

export class Gaps {
  /** history(before, limit) reads a page; show(item) shows a message; view says what is missing. */
  constructor({ history, show, view }) {
    this.history = history;
    this.show = show;
    this.view = view;
    this.newestSeen = 0;
  }

  /** The window as first given: its messages, and any hole between them read or said. */
  window(items) {
    for (const item of items) {
      this.newestSeen = Math.max(this.newestSeen, item.seq);
      this.show(item);
    }
    const seqs = items.map(m => m.seq).sort((a, b) => a - b);
    for (let i = 1; i < seqs.length; i++) if (seqs[i] > seqs[i - 1] + 1) this.fill(seqs[i - 1] + 1, seqs[i] - 1);
  }

  /** A message that arrived live: one more than one past the newest seen leaves a gap to read first. */
  arrived(item) {
    if (this.newestSeen > 0 && item.seq > this.newestSeen + 1) this.fill(this.newestSeen + 1, item.seq - 1);
    this.newestSeen = Math.max(this.newestSeen, item.seq);
    this.show(item, true);
  }

  async fill(from, to) {
    const oldestRead = Math.max(from, to - GAP_MAX + 1);
    const received = new Set();
    try {
      for (let before = to + 1; before > oldestRead;) {
        const page = await this.history(before, Math.min(GAP_PAGE, before - oldestRead));
        if (!page.messages.length) break;
        for (const item of page.messages) {
          if (item.seq >= oldestRead && item.seq <= to) received.add(item.seq);
          await this.show(item);
        }
        before = Math.min(...page.messages.map(m => m.seq));
      }
      if (oldestRead > from) this.view.showSendError(t('messages.missedNotShown', { count: oldestRead - from }));
      for (const [first, last] of ranges(oldestRead, to, received)) this.view.addPresenceLine(null, 'withheld', { from: first, to: last });
    } catch (error) {
      this.view.showSendError(t('messages.missedFailed', { reason: describeError(error) }));
    }
  }
}

function ranges(from, to, present) {
  const missing = [];
  for (let seq = from; seq <= to; seq++) {
    if (present.has(seq)) continue;
    const last = missing[missing.length - 1];
    if (last && last[1] === seq - 1) last[1] = seq;
    else missing.push([seq, seq]);
  }
  return missing;
}
