// Drives the real resclient against a RES gateway, as a page would, and prints what it observed as
// one JSON line. Usage: node --experimental-websocket driver.js <ws-url> <room-id>
'use strict';
const crypto = require('node:crypto');
const ResClient = require('resclient').default;
const { isResError } = require('resclient');

const [url, room] = process.argv.slice(2);
const rid = `room.${room}`;
const b64 = (n) => crypto.randomBytes(n).toString('base64');
const member = () => 'm_' + crypto.randomBytes(10).toString('hex');
const until = (check, what) => new Promise((resolve, reject) => {
  const started = Date.now();
  const poll = () => {
    if (check()) return resolve();
    if (Date.now() - started > 10000) return reject(new Error(`timed out waiting for ${what}`));
    setTimeout(poll, 10);
  };
  poll();
});

async function main() {
  const alice = new ResClient(() => new WebSocket(url));
  const bob = new ResClient(() => new WebSocket(url));
  const seen = { adds: [], removes: 0, messages: [], changes: [] };

  const model = await bob.get(rid);
  const initialStatus = model.status;
  const participants = model.participants;
  const messages = model.messages;
  participants.on('add', (ev) => seen.adds.push(ev.item.member));
  participants.on('remove', () => seen.removes++);
  messages.on('add', (ev) => seen.messages.push(ev.item.seq));
  model.on('change', (changed) => seen.changes.push(Object.keys(changed).sort().join(',')));

  const aliceId = member();
  const joined = await alice.call(rid, 'join', { member: aliceId, profile: { ciphertext: b64(48), nonce: b64(12) } });
  await until(() => seen.adds.includes(aliceId), 'the participant add event');

  const sent = await alice.call(`${rid}.messages`, 'send', { id: crypto.randomUUID(), ciphertext: b64(64), nonce: b64(12), member: aliceId });
  await until(() => seen.messages.includes(sent.seq), 'the message add event');

  let errorCode = null;
  let errorIsResError = false;
  try {
    await alice.call(`${rid}.messages`, 'send', { id: crypto.randomUUID(), ciphertext: b64(64), nonce: b64(12), member: member() });
  } catch (err) {
    errorCode = err.code;
    errorIsResError = isResError(err);
  }

  const left = await alice.call(rid, 'leave', { member: aliceId });
  await until(() => seen.removes === 1, 'the participant remove event');

  const result = {
    initialStatus,
    joinedRid: joined.getResourceId(),
    joinedStatus: joined.status,
    participantAdds: seen.adds.length,
    seq: sent.seq,
    messageSeqs: seen.messages,
    messageCount: model.messageCount,
    participantCount: model.participantCount,
    windowLength: messages.length,
    errorCode,
    errorIsResError,
    leaveResult: left === undefined ? 'undefined' : left,
    removes: seen.removes,
    changes: seen.changes,
  };
  console.log(JSON.stringify(result));
  alice.disconnect();
  bob.disconnect();
}

const watchdog = setTimeout(() => { console.error('driver timed out'); process.exit(2); }, 30000);
main().then(() => { clearTimeout(watchdog); process.exit(0); }, (err) => { console.error(err && (err.stack || err.message || JSON.stringify(err))); process.exit(1); });
