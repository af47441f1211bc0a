// A message leaves the composer at once and waits below the conversation until the room has stored it:
// "Sending…", "Waiting for the room…", or "Not sent" with "Send again" and "Edit". Messages go out one after the
// other, in the order they were written; the text is kept until the room has it (docs/page.md, docs/failover.md).
import { describeError, errorCode, retryAfterMs } from './errors.js';
import { WAIT_FOR_ROOM, backOff, delay } from './waiting.js';

const MAX_RATE_LIMIT_WAIT_MS = 5000; // longer waits are shown to the person instead
const MAX_RATE_LIMIT_WAITS = 3;
const MAX_REJOINS = 5;

export class Delivery {
  /**
   * sendOnce(id, box) sends one attempt; roomLives() says whether to keep trying; rejoin() joins again after the
   * room forgot this member; retryWindowMs() is Chat:Page:SendRetryWindow.
   */
  constructor({ view, sendOnce, roomLives, rejoin, retryWindowMs }) {
    this.view = view;
    this.sendOnce = sendOnce;
    this.roomLives = roomLives;
    this.rejoin = rejoin;
    this.retryWindowMs = retryWindowMs;
    this.unsent = new Map(); // id -> { text, box }
    this.outgoing = Promise.resolve();
  }

  get pending() {
    return this.unsent.size;
  }

  add(id, text, box) {
    this.unsent.set(id, { text, box });
    this.view.outbox.add(id, text);
    this.queue(id);
  }

  queue(id) {
    this.view.outbox.setState(id, 'sending');
    this.outgoing = this.outgoing.then(() => this.deliverUnsent(id));
  }

  async deliverUnsent(id) {
    const message = this.unsent.get(id);
    if (!message) return;
    try {
      await this.deliver(id, message.box, waiting => {
        this.view.outbox.setState(id, waiting ? 'waiting' : 'sending');
        this.view.setReconnecting(waiting);
      });
      this.unsent.delete(id);
      this.view.outbox.remove(id);
    } catch (error) {
      this.view.outbox.failed(id, describeError(error), {
        onRetry: () => this.queue(id),
        onEdit: () => {
          this.unsent.delete(id);
          this.view.outbox.remove(id);
          this.view.putBackInComposer(message.text);
        },
      });
    } finally {
      this.view.setReconnecting(false);
    }
  }

  // While the room lives, a message rides out a failover or a database outage: it is shown as waiting and the same
  // id is sent again until the room has stored it (it stores an id once, so a retry after a lost answer is safe), for
  // the retry window at most; then it is shown as not sent. A refusal, an ended room or leaving the page stops it.
  async deliver(id, box, onWaiting) {
    const waitingSince = Date.now();
    const giveUpAt = waitingSince + this.retryWindowMs();
    let rateLimitWaits = 0;
    let rejoins = 0;
    for (;;) {
      try {
        await this.sendOnce(id, box);
        return;
      } catch (error) {
        const code = errorCode(error);
        if (!this.roomLives()) throw error;
        if (code === 'room.notJoined' && rejoins < MAX_REJOINS) {
          // A room started again on another node has forgotten its members: join again, quietly.
          rejoins++;
          await this.rejoin().catch(() => {});
        } else if (WAIT_FOR_ROOM.has(code) && Date.now() < giveUpAt) {
          onWaiting(true);
          await delay(backOff(waitingSince, giveUpAt));
        } else if (code === 'room.rateLimited' && rateLimitWaits < MAX_RATE_LIMIT_WAITS && retryAfterMs(error) <= MAX_RATE_LIMIT_WAIT_MS) {
          // The room says when its budget has room again; a short wait sends the same id then.
          rateLimitWaits++;
          await delay(retryAfterMs(error));
        } else {
          throw error;
        }
      }
    }
  }
}
