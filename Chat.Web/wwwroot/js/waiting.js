// How the page waits for a room that is slow, moving to another node, or waiting for its database
// (docs/failover.md): calls time out rather than hang, and what the room answers meanwhile is retried with back-off.
import { errorCode } from './errors.js';

export const CALL_TIMEOUT_MS = 10000;
// A room moving to another node is back within seconds (docs/failover.md): for the first seconds of a wait the page
// asks four times a second, since each pause adds to what the person waits, then once a second. An attempt meanwhile
// is answered at once and costs the server next to nothing.
const RETRY_SOON_MS = 250;
const RETRY_LATER_MS = 1000;
const RETRY_SOON_FOR_MS = 10000;
// What a room that is moving to another node, or waiting for its database, answers meanwhile.
export const WAIT_FOR_ROOM = new Set(['room.unavailable', 'system.timeout', 'system.disconnect', 'system.connectionError']);

export function delay(ms) {
  return new Promise(resolve => setTimeout(resolve, ms));
}

// resclient leaves a call pending forever when the socket drops (resclient issue #38).
export function withTimeout(promise) {
  return Promise.race([promise, delay(CALL_TIMEOUT_MS).then(() => Promise.reject({ code: 'system.timeout' }))]);
}

/**
 * 0.25 s between attempts for the first 10 s since waitingSince (a Date.now() value), then 1 s, each shortened by up
 * to a quarter at random so that the pages of a room that comes back do not all ask at the same moment; never past
 * giveUpAt, if given.
 */
export function backOff(waitingSince, giveUpAt = Infinity) {
  const now = Date.now();
  const wait = (now - waitingSince < RETRY_SOON_FOR_MS ? RETRY_SOON_MS : RETRY_LATER_MS) * (1 - Math.random() / 4);
  return Math.max(0, Math.min(wait, giveUpAt - now));
}

/**
 * Runs action(attempt) until it succeeds. An error for which retry(error, attempt) is true is retried after a
 * back-off, with onWait() called first; any other error is thrown.
 */
export async function retrying(action, retry, onWait) {
  const waitingSince = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await action(attempt);
    } catch (error) {
      if (!retry(error, attempt)) throw error;
      onWait();
      if (errorCode(error) !== 'system.timeout') await delay(backOff(waitingSince));
    }
  }
}
