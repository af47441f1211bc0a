// Drives the real resclient against a RES gateway, as a page would, and prints what it observed as
// one JSON line. Usage: node --experimental-websocket driver.js <ws-url> <room-id> <proof>
'use strict';
const crypto = require('node:crypto');
const ResClient = require('resclient').default;
const { isResError } = require('resclient');

const [url, room, proof] = process.argv.slice(2);
const rid = `room.${room}`;
const b64 = (n) => crypto.randomBytes(n).toString('base64');
const memberKey = () => crypto.randomBytes(32).toString('base64url');
// docs/capability.md: the id others see is a hash of the key, so only the key's holder can act as the member.
const memberIdOf = (key) => crypto.createHash('sha256')
  .update(Buffer.concat([Buffer.from('chat/v1/member'), Buffer.from(key, 'base64url')]))
  .digest('base64url').slice(0, 22);
const until = (check, what) => new Promise((resolve, reject) => {
  const started = Date.now();
  const poll = () => {
    if (check()) return resolve();
    if (Date.now() - started > 10000) return reject(new Error(`timed out waiting for ${what}`));
    setTimeout(poll, 10);
  };
  poll();
});
const errorOf = (promise) => promise.then(() => null, (err) => ({ code: err.code, isResError: isResError(err) }));

// As the page does: every connection unlocks the room before resclient (re)subscribes.
function unlockingClient(counter) {
  const sockets = [];
  const client = new ResClient(() => {
    const ws = new WebSocket(url);
    sockets.push(ws);
    return ws;
  });
  client.setOnConnect(() => client.authenticate(rid, 'unlock', { proof }).then(() => { counter.unlocks++; }));
  return { client, sockets };
}

async function main() {
  const aliceCount = { unlocks: 0 };
  const bobCount = { unlocks: 0 };
  const { client: alice } = unlockingClient(aliceCount);
  const { client: bob, sockets: bobSockets } = unlockingClient(bobCount);
  const seen = { adds: [], removes: 0, messages: [], changes: [] };

  // Without the unlock the room gives nothing, and a wrong proof opens nothing.
  const stranger = new ResClient(() => new WebSocket(url));
  const withoutUnlock = await errorOf(stranger.get(rid));
  const wrongProof = await errorOf(stranger.authenticate(rid, 'unlock', { proof: crypto.randomBytes(32).toString('base64url') }));
  stranger.disconnect();

  const model = await bob.get(rid);
  const initialStatus = model.status;
  const participants = model.participants;
  const messages = model.messages;
  participants.on('add', (ev) => seen.adds.push(ev.item.member));
  participants.on('remove', () => seen.removes++);
  messages.on('add', (ev) => seen.messages.push(ev.item));
  model.on('change', (changed) => seen.changes.push(Object.keys(changed).sort().join(',')));

  const aliceKey = memberKey();
  const aliceId = memberIdOf(aliceKey);
  const joined = await alice.call(rid, 'join', { memberKey: aliceKey, profile: { ciphertext: b64(48), nonce: b64(12) } });
  await until(() => seen.adds.includes(aliceId), 'the participant add event');

  const sent = await alice.call(`${rid}.messages`, 'send', { id: crypto.randomUUID(), ciphertext: b64(64), nonce: b64(12), memberKey: aliceKey });
  await until(() => seen.messages.some((m) => m.seq === sent.seq), 'the message add event');

  const notJoined = await errorOf(alice.call(`${rid}.messages`, 'send', { id: crypto.randomUUID(), ciphertext: b64(64), nonce: b64(12), memberKey: memberKey() }));

  // Bob's connection drops: resclient reconnects by itself, unlocks again and resubscribes, and events flow again.
  const reconnected = new Promise((resolve) => bob.on('connect', resolve));
  bobSockets.at(-1).close();
  await reconnected;
  const resent = await alice.call(`${rid}.messages`, 'send', { id: crypto.randomUUID(), ciphertext: b64(64), nonce: b64(12), memberKey: aliceKey });
  await until(() => seen.messages.some((m) => m.seq === resent.seq), 'the message add event after the reconnect');

  const left = await alice.call(rid, 'leave', { memberKey: aliceKey });
  await until(() => seen.removes === 1, 'the participant remove event');

  const result = {
    withoutUnlock: withoutUnlock && withoutUnlock.code,
    wrongProof: wrongProof && wrongProof.code,
    initialStatus,
    joinedRid: joined.getResourceId(),
    joinedStatus: joined.status,
    aliceId,
    participantAdds: seen.adds,
    seq: sent.seq,
    messageSeqs: seen.messages.map((m) => m.seq),
    senders: seen.messages.map((m) => m.member),
    messageCount: model.messageCount,
    participantCount: model.participantCount,
    windowLength: messages.length,
    errorCode: notJoined && notJoined.code,
    errorIsResError: !!(notJoined && notJoined.isResError),
    aliceUnlocks: aliceCount.unlocks,
    bobUnlocks: bobCount.unlocks,
    bobSockets: bobSockets.length,
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
