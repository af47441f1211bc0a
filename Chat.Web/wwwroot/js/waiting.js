// How the page waits for a room that is slow, moving to another node, or waiting for its database
// (docs/failover.md): calls time out rather than hang, and what the room answers meanwhile is retried with back-off.
import { errorCode } from './errors.js';

export const CALL_TIMEOUT_MS = 10000;
// A room moving to another node is back within seconds (docs/failover.md); a longer wait between attempts would
// add to what the person waits. An attempt meanwhile is answered at once and costs the server next to nothing.
const RETRY_MAX_MS = 1000;
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
 * 0.5 s, then 1 s between attempts, each shortened by up to a quarter at random so that the pages of a room that
 * comes back do not all ask at the same moment; never past giveUpAt (a Date.now() value), if given.
 */
export function backOff(attempt, giveUpAt = Infinity) {
  const wait = Math.min(RETRY_MAX_MS, 500 * 2 ** Math.min(attempt - 1, 1)) * (1 - Math.random() / 4);
  return Math.max(0, Math.min(wait, giveUpAt - Date.now()));
}

/**
 * Runs action(attempt) until it succeeds. An error for which retry(error, attempt) is true is retried after a
 * back-off, with onWait() called first; any other error is thrown.
 */
export async function retrying(action, retry, onWait) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await action(attempt);
    } catch (error) {
      if (!retry(error, attempt)) throw error;
      onWait();
      if (errorCode(error) !== 'system.timeout') await delay(backOff(attempt));
    }
  }
}
