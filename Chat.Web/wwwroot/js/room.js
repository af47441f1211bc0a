// The room page: keys from the link's fragment, the room from the gateway through resclient,
// every message and nickname sealed and opened here (docs/architecture.md: lifecycle, presence, envelope, capability).
import * as envelope from './envelope.js';
import { describeError, errorCode } from './errors.js';
import { t } from './i18n.js';
import { MemberSigning } from './member-signing.js';
import { Notifier } from './notifier.js';
import { gatewayUrl, openLink } from './room-access.js';
import { Delivery } from './room-delivery.js';
import { Gaps } from './room-gaps.js';
import { People } from './room-people.js';
import { RoomTrust } from './room-trust.js';
import { RoomView } from './room-view.js';
import { TabMember } from './tab-member.js';
import { TypingLine } from './typing.js';
import { WAIT_FOR_ROOM, retrying, withTimeout } from './waiting.js';

const OPEN_ATTEMPTS = 3;
const OPEN_WAIT_MS = 30000; // how long a room that is waiting for its database may take to open or join
const HISTORY_PAGE = 50;
const MAX_SEALED_BYTES = 64 * 1024; // Chat:Rooms:MaxMessageBytes
const view = new RoomView();
const roomId = location.pathname.split('/')[2];
const trust = new RoomTrust(roomId);
const rid = `room.${roomId}`;
const notifier = new Notifier({
  choice: document.getElementById('notify-choice'),
  select: document.getElementById('notify'),
  hint: document.getElementById('notify-hint'),
}, `chat.notify.${roomId}`);

const stored = new TabMember(roomId);

let keys = null;
let proof = null;
let unlockError = null;
let client = null;
let room = null;
let me = null; // { member, memberKey, nick, signing }
let joined = false;
let heartbeat = null;
let leaveSettlesMs = 15000;
let sendRetryMs = 60000; // Chat:Page:SendRetryWindow

const people = new People({
  view, trust, keys: () => keys, me: () => me, participants: () => room.participants.toArray(), leaveSettlesMs: () => leaveSettlesMs,
});
const gaps = new Gaps({ history: (before, limit) => call(`${rid}.messages`, 'history', { before, limit }), show: showMessage, view });
const delivery = new Delivery({
  view,
  sendOnce: (id, box) => call(`${rid}.messages`, 'send', { id, ciphertext: box.ciphertext, nonce: box.nonce, memberKey: me.memberKey }),
  roomLives: () => joined && room?.status !== 'closed',
  rejoin,
  retryWindowMs: () => sendRetryMs,
});

addEventListener('hashchange', () => location.reload());
addEventListener('pagehide', leave);
// Leaving with messages not sent yet asks first (the browser's own prompt); otherwise the keys go at once.
addEventListener('beforeunload', event => {
  if (delivery.pending > 0) {
    event.preventDefault();
    return;
  }
  keys = null;
  proof = null;
});
addEventListener('pageshow', event => { if (event.persisted) location.reload(); });
// A phone that wakes a tab, or a network that comes back, reconnects at once rather than at resclient's next try.
function reconnectNow() {
  if (client && joined) client.connect().catch(() => {});
}
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState !== 'visible') return;
  view.clearUnread();
  reconnectNow();
});
addEventListener('online', reconnectNow);
view.enableCopyLink();
start().catch(error => view.showNotice(describeError(error)));

async function start() {
  const link = await openLink(roomId, location.hash.slice(1));
  if (link.problem) {
    view.showStatus('damaged', 0);
    view.showNotice(t(link.problem));
    return;
  }
  ({ keys, proof } = link);

  const config = await (await fetch('/chat-config.json', { cache: 'no-store' })).json();
  sendRetryMs = config.sendRetryMs ?? sendRetryMs;
  client = new resclient.default(() => new WebSocket(gatewayUrl(config.gateway)));
  client.setOnConnect(unlock);
  client.on('disconnect', () => view.setOffline(true));
  client.on('connect', onReconnect);

  room = await openRoom();
  room.on('change', onRoomChange);
  onRoomChange();
  if (room.status === 'closed') return;

  const nick = stored.nick;
  if (nick) {
    await join(nick);
  } else {
    view.askNickname(n => join(n).catch(showJoinError));
  }
  heartbeat = setInterval(beat, config.heartbeatIntervalMs);
  leaveSettlesMs = config.heartbeatIntervalMs * 1.5;
}

// The first answer can be slow (a node just started, a room moving between nodes) or say that the room
// waits for its database: neither is a refusal, so the page keeps trying for a while, saying so, before it
// gives up (OPEN_ATTEMPTS timeouts, or OPEN_WAIT_MS of room.unavailable answers).
async function openRoom() {
  const giveUpAt = Date.now() + OPEN_WAIT_MS;
  const opened = await retrying(() => withTimeout(client.get(rid)), (error, attempt) => {
    // Without the unlock the subscribe can only be refused; the reason worth showing is the unlock's.
    const code = errorCode(unlockError ?? error);
    return (code === 'system.timeout' && attempt < OPEN_ATTEMPTS) || (code === 'room.unavailable' && Date.now() < giveUpAt);
  }, () => view.showNotice(t('room.slow'))).catch(error => Promise.reject(unlockError ?? error));
  view.showNotice('');
  return opened;
}

// Every connection starts with nothing unlocked, and resclient runs this before it subscribes again.
// On the first connection a refusal lets the subscribe fail, which ends start() with this reason;
// on a later one it closes the connection, and resclient tries a new one while the room is followed.
// The request must go out before the first await: resclient counts the socket as connected only
// while it calls this, and a request sent later would wait for the very connect it is part of.
async function unlock() {
  try {
    await withTimeout(client.authenticate(rid, 'unlock', { proof }));
    if (unlockError) view.showNotice('');
    unlockError = null;
  } catch (error) {
    unlockError = error;
    if (room === null) return;
    view.showNotice(describeError(error));
    throw error;
  }
}

async function join(nick) {
  me = { ...await stored.load(), nick };
  stored.save(me);
  me.signing = await MemberSigning.load(roomId, me.member);
  const profile = await envelope.sealProfile(keys, me.member, { nick, signingKey: me.signing.publicKey });
  await joinWhileRoomWaits(profile);
  joined = true;
  view.showNotice('');
  view.showRoom({ onSend: send, onLoadOlder: loadOlder, onTyping: () => typing.writing() });
  followCollections();
}

// A join during a failover or while the room waits for its database waits as a send does, for OPEN_WAIT_MS;
// joining twice is harmless (the room keeps one member and its newest profile).
async function joinWhileRoomWaits(profile) {
  const giveUpAt = Date.now() + OPEN_WAIT_MS;
  await retrying(() => call(rid, 'join', { memberKey: me.memberKey, profile }),
    error => WAIT_FOR_ROOM.has(errorCode(error)) && Date.now() < giveUpAt,
    () => view.showNotice(t('room.slow')));
  view.showNotice('');
}

function showJoinError(error) {
  view.showNotice(describeError(error));
  if (errorCode(error) === 'room.closed') view.hideRoom();
}

let following = false;
function followCollections() {
  if (following) return;
  following = true;
  room.participants.on('add', event => people.added(event));
  room.participants.on('remove', event => people.removed(event));
  room.messages.on('add', ({ item }) => gaps.arrived(item));
  room.messages.on('remove', () => {}); // the window moved on; what was shown stays shown
  room.on('typing', notice => typing.noticed(notice));
  people.render();
  gaps.window(room.messages.toArray());
}

function onRoomChange() {
  view.showStatus(room.status, room.participantCount);
  if (room.status === 'closed') {
    stopBeating();
    view.hideRoom();
    view.showNotice(describeError({ code: 'room.closed' }));
  }
  view.setCanLoadOlder(joined && (view.oldestSeq() ?? 1) > 1);
}

async function showMessage(item, live = false) {
  const body = keys && await envelope.openMessage(keys, item.id, item);
  // The sender's key is learned from its profile if it is here; an id shown before (a replay) is dropped.
  await people.present(item.member);
  const verdict = await trust.check(item, body);
  if (verdict === 'duplicate') return;
  // The server stamps the sender it authenticated; the member in the body is only what the sender wrote.
  const sender = item.member ?? body?.member;
  const mine = me !== null && sender === me.member;
  if (live && body) typing.messageFrom(sender, body.sentAt);
  view.addMessage({ seq: item.seq, sentAt: item.sentAt, body, sender, mine, trust: verdict });
  if (live && !mine) {
    view.noteArrival();
    notifier.messageArrived(body);
  }
  view.setCanLoadOlder(view.oldestSeq() > 1);
}

async function loadOlder() {
  const before = view.oldestSeq();
  if (!before || before <= 1) return;
  try {
    const page = await call(`${rid}.messages`, 'history', { before, limit: HISTORY_PAGE });
    for (const item of page.messages) await showMessage(item);
    view.setCanLoadOlder(view.oldestSeq() > 1);
  } catch (error) {
    view.showSendError(describeError(error));
  }
}

async function send(text) {
  const id = crypto.randomUUID();
  const body = await me.signing.sign(id, { member: me.member, nick: me.nick, text, sentAt: new Date().toISOString() });
  const box = await envelope.sealMessage(keys, id, body);
  if (envelope.fromBase64(box.ciphertext).length > MAX_SEALED_BYTES) {
    view.showSendError(describeError({ code: 'chat.tooLong' }));
    return;
  }
  view.showSendError('');
  view.clearComposer();
  typing.messageSent();
  delivery.add(id, text, box);
}

async function beat() {
  if (!joined || !client) return;
  try {
    await call(rid, 'heartbeat', { memberKey: me.memberKey });
  } catch (error) {
    if (errorCode(error) === 'room.notJoined') await rejoin().catch(showJoinError);
  }
}

// After a failover or an expiry the room no longer knows us; the same member joins again.
async function rejoin() {
  const profile = await envelope.sealProfile(keys, me.member, { nick: me.nick, signingKey: me.signing.publicKey });
  await call(rid, 'join', { memberKey: me.memberKey, profile });
}

let connectedBefore = false;
async function onReconnect() {
  if (!connectedBefore) {
    connectedBefore = true;
    return;
  }
  // The gateway told the room this connection closed, so we are gone from the list until we rejoin.
  if (joined && room.status !== 'closed') await rejoin().catch(showJoinError);
  view.setOffline(false);
}

function leave() {
  stopBeating();
  if (joined && client) client.call(rid, 'leave', { memberKey: me.memberKey }).catch(() => {});
  joined = false;
  keys = null;
  proof = null;
}

function stopBeating() {
  if (heartbeat) clearInterval(heartbeat);
  heartbeat = null;
}

const typing = new TypingLine({
  announce: async () => {
    if (!joined) return;
    const box = await envelope.sealTyping(keys, me.member, new Date().toISOString());
    await call(rid, 'typing', { memberKey: me.memberKey, ciphertext: box.ciphertext, nonce: box.nonce });
  },
  read: notice => people.typing(notice),
  show: nicks => view.showTyping(nicks),
  hasDraft: () => view.hasDraft(),
});

function call(resource, method, params) {
  return withTimeout(client.call(resource, method, params));
}
