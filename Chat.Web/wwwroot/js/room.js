// The room page: keys from the link's fragment, the room from the gateway through resclient,
// every message and nickname sealed and opened here (docs/architecture.md: lifecycle, presence, envelope, capability).
import * as capability from './capability.js';
import * as envelope from './envelope.js';
import { describeError, errorCode, retryAfterMs } from './errors.js';
import { t } from './i18n.js';
import { MemberSigning } from './member-signing.js';
import { Notifier } from './notifier.js';
import { RoomTrust } from './room-trust.js';
import { RoomView } from './room-view.js';
import { TypingLine } from './typing.js';

const CALL_TIMEOUT_MS = 10000;
const OPEN_ATTEMPTS = 3;
const OPEN_WAIT_MS = 30000; // how long a room that is waiting for its database may take to open
const HISTORY_PAGE = 50;
const MAX_SEALED_BYTES = 64 * 1024; // Chat:Rooms:MaxMessageBytes
const MAX_RATE_LIMIT_WAIT_MS = 5000; // longer waits are shown to the person instead
const MAX_RATE_LIMIT_WAITS = 3;
const RETRY_MAX_MS = 4000;
const MAX_REJOINS = 5;
// What a room that is moving to another node, or waiting for its database, answers meanwhile.
const WAIT_FOR_ROOM = new Set(['room.unavailable', 'system.timeout', 'system.disconnect', 'system.connectionError']);
const view = new RoomView();
const roomId = location.pathname.split('/')[2];
const trust = new RoomTrust(roomId);
const rid = `room.${roomId}`;
const notifier = new Notifier({
  choice: document.getElementById('notify-choice'),
  select: document.getElementById('notify'),
  hint: document.getElementById('notify-hint'),
}, `chat.notify.${roomId}`);

// Tab-scoped, so a reload stays the same member with the same nickname; gone when the tab closes.
// The member key is what makes this tab the member: besides here it goes only into the params of the
// member-bound calls, never on screen or into a log. The secret and the proof are never stored anywhere.
const stored = {
  memberKey: () => sessionStorage.getItem(`chat.memberKey.${roomId}`),
  nick: () => sessionStorage.getItem(`chat.nick.${roomId}`),
  save: ({ member, memberKey, nick }) => {
    sessionStorage.setItem(`chat.memberKey.${roomId}`, memberKey);
    sessionStorage.setItem(`chat.member.${roomId}`, member);
    sessionStorage.setItem(`chat.nick.${roomId}`, nick);
  },
};

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

addEventListener('hashchange', () => location.reload());
addEventListener('pagehide', leave);
// Leaving with messages not sent yet asks first (the browser's own prompt); otherwise the keys go at once.
addEventListener('beforeunload', event => {
  if (unsent.size > 0) {
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
view.onCopyLink(copyLink);
start().catch(error => view.showNotice(describeError(error)));

async function start() {
  const secret = envelope.parseSecret(location.hash.slice(1));
  if (!secret) {
    view.showStatus('damaged', 0);
    view.showNotice(t('room.linkNoKey'));
    return;
  }
  // The room id is derived from the secret, so a link whose parts do not belong together is damaged
  // (or tampered with); it opens nothing, so the page does not even connect.
  if (!await capability.linkMatches(roomId, secret)) {
    secret.fill(0);
    view.showStatus('damaged', 0);
    view.showNotice(t('room.linkDamaged'));
    return;
  }
  keys = await envelope.deriveKeys(secret, roomId);
  const access = await capability.accessToken(secret);
  proof = capability.proofOf(access);
  access.fill(0);
  secret.fill(0);

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

  const nick = stored.nick();
  if (nick) {
    await join(nick);
  } else {
    view.askNickname(n => join(n).catch(showJoinError));
  }
  heartbeat = setInterval(beat, config.heartbeatIntervalMs);
  leaveSettlesMs = config.heartbeatIntervalMs * 1.5;
}

function gatewayUrl(gateway) {
  const url = new URL(gateway, location.href);
  if (url.protocol === 'http:') url.protocol = 'ws:';
  if (url.protocol === 'https:') url.protocol = 'wss:';
  return url.href;
}

// The first answer can be slow (a node just started, a room moving between nodes) or say that the room
// waits for its database: neither is a refusal, so the page keeps trying for a while, saying so, before it
// gives up (OPEN_ATTEMPTS timeouts, or OPEN_WAIT_MS of room.unavailable answers).
async function openRoom() {
  const giveUpAt = Date.now() + OPEN_WAIT_MS;
  let timeouts = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      const opened = await withTimeout(client.get(rid));
      if (attempt > 1) view.showNotice('');
      return opened;
    } catch (error) {
      // Without the unlock the subscribe can only be refused; the reason worth showing is the unlock's.
      const reason = unlockError ?? error;
      const code = errorCode(reason);
      if (code === 'system.timeout' && ++timeouts < OPEN_ATTEMPTS) {
        view.showNotice(t('room.slow'));
      } else if (code === 'room.unavailable' && Date.now() < giveUpAt) {
        view.showNotice(t('room.slow'));
        await delay(Math.min(RETRY_MAX_MS, 500 * 2 ** Math.min(attempt - 1, 3)));
      } else {
        throw reason;
      }
    }
  }
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
  me = { ...await member(), nick };
  stored.save(me);
  me.signing = await MemberSigning.load(roomId, me.member);
  const profile = await envelope.sealProfile(keys, me.member, { nick, signingKey: me.signing.publicKey });
  await call(rid, 'join', { memberKey: me.memberKey, profile });
  joined = true;
  view.showNotice('');
  view.showRoom({ onSend: send, onLoadOlder: loadOlder, onTyping: () => typing.writing() });
  followCollections();
}

function showJoinError(error) {
  view.showNotice(describeError(error));
  if (errorCode(error) === 'room.closed') view.hideRoom();
}

let following = false;
function followCollections() {
  if (following) return;
  following = true;
  room.participants.on('add', personAdded);
  room.participants.on('remove', personRemoved);
  room.messages.on('add', ({ item }) => {
    if (newestSeen > 0 && item.seq > newestSeen + 1) fillGap(newestSeen + 1, item.seq - 1);
    newestSeen = Math.max(newestSeen, item.seq);
    showMessage(item, true);
  });
  room.messages.on('remove', () => {}); // the window moved on; what was shown stays shown
  room.on('typing', notice => typing.noticed(notice));
  renderPeople();
  for (const item of room.messages) {
    newestSeen = Math.max(newestSeen, item.seq);
    showMessage(item);
  }
  // The window holds consecutive seqs; a hole in it is read through history, or said to be missing.
  const seqs = room.messages.toArray().map(m => m.seq).sort((a, b) => a - b);
  for (let i = 1; i < seqs.length; i++) if (seqs[i] > seqs[i - 1] + 1) fillGap(seqs[i - 1] + 1, seqs[i] - 1);
}

// Nothing is skipped silently. After a reconnect the window holds the newest messages only: when it
// starts after the last one this page was given, what lies between is read through history, newest
// page first, and shown in its place. newestSeen is kept as events arrive, before decryption, so
// messages that finish decrypting out of order are not taken for a gap.
let newestSeen = 0;
const GAP_PAGE = 200;
const GAP_MAX = 1000; // read at most this many missed messages by itself; the rest is said, not fetched
async function fillGap(from, to) {
  const oldestRead = Math.max(from, to - GAP_MAX + 1);
  const received = new Set();
  try {
    for (let before = to + 1; before > oldestRead;) {
      const page = await call(`${rid}.messages`, 'history', { before, limit: Math.min(GAP_PAGE, before - oldestRead) });
      if (!page.messages.length) break;
      for (const item of page.messages) {
        if (item.seq >= oldestRead && item.seq <= to) received.add(item.seq);
        await showMessage(item);
      }
      before = Math.min(...page.messages.map(m => m.seq));
    }
    if (oldestRead > from) view.showSendError(t('messages.missedNotShown', { count: oldestRead - from }));
    // A seq the room's history does not hold although later ones exist was withheld: said where it is missing.
    for (const [first, last] of ranges(oldestRead, to, received)) view.addPresenceLine(null, 'withheld', { from: first, to: last });
  } catch (error) {
    view.showSendError(t('messages.missedFailed', { reason: describeError(error) }));
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

function onRoomChange() {
  view.showStatus(room.status, room.participantCount);
  if (room.status === 'closed') {
    stopBeating();
    view.hideRoom();
    view.showNotice(describeError({ code: 'room.closed' }));
  }
  view.setCanLoadOlder(joined && (view.oldestSeq() ?? 1) > 1);
}

// A profile is opened once per ciphertext; the signing key it carries is learned, and a member whose key changed
// while this tab watched is said in the conversation (docs/signatures.md).
const profiles = new Map(); // member + ciphertext -> promise of { nick, signingKey } or null
function profileOf(p) {
  const cacheKey = `${p.member}|${p.profile.ciphertext}`;
  if (!profiles.has(cacheKey)) profiles.set(cacheKey, openProfile(p));
  return profiles.get(cacheKey);
}

async function openProfile(p) {
  const profile = keys && await envelope.openMemberProfile(keys, p.member, p.profile);
  if (profile && trust.learn(p.member, profile.signingKey) === 'changed') view.addPresenceLine(profile.nick, 'keyChanged');
  return profile;
}

async function nickOf(p) {
  return (await profileOf(p))?.nick ?? null;
}

async function renderPeople() {
  const people = await Promise.all(room.participants.toArray().map(async p => {
    const nick = await nickOf(p);
    return { member: p.member, nick, fingerprint: nick === null ? null : await trust.fingerprintOf(p.member) };
  }));
  view.renderPeople(people, me?.member);
}

// Joins and leaves are lines in the conversation, shown live and never stored. A leave waits a moment:
// someone back soon (a reload, a reconnect, a rejoin on the next heartbeat after the room moved) was
// never gone. Longer than a heartbeat interval (leaveSettlesMs); "left" shows that much later than it happened.
const leaving = new Map(); // member -> timer of its pending "left" line
async function personAdded({ item }) {
  renderPeople();
  if (!item || item.member === me?.member) return;
  if (leaving.has(item.member)) {
    clearTimeout(leaving.get(item.member));
    leaving.delete(item.member);
    return;
  }
  view.addPresenceLine(await nickOf(item), 'joined');
}

function personRemoved({ item }) {
  renderPeople();
  if (!item || item.member === me?.member || leaving.has(item.member)) return;
  leaving.set(item.member, setTimeout(async () => {
    leaving.delete(item.member);
    view.addPresenceLine(await nickOf(item), 'left');
  }, leaveSettlesMs));
}

async function showMessage(item, live = false) {
  const body = keys && await envelope.openMessage(keys, item.id, item);
  // The sender's key is learned from its profile if it is here; an id shown before (a replay) is dropped.
  const present = room.participants.toArray().find(p => p.member === item.member);
  if (present) await profileOf(present);
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

// A message leaves the composer at once and waits below the conversation until the room has stored it:
// "Sending…", "Waiting for the room…", or "Not sent" with "Send again" and "Edit". Messages go out one
// after the other, in the order they were written; the text is kept until the room has it.
const unsent = new Map(); // id -> { text, box }
let outgoing = Promise.resolve();
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
  unsent.set(id, { text, box });
  view.outbox.add(id, text);
  queueDelivery(id);
}

function queueDelivery(id) {
  view.outbox.setState(id, 'sending');
  outgoing = outgoing.then(() => deliverUnsent(id));
}

async function deliverUnsent(id) {
  const message = unsent.get(id);
  if (!message) return;
  try {
    await deliver(id, message.box, waiting => {
      view.outbox.setState(id, waiting ? 'waiting' : 'sending');
      view.setReconnecting(waiting);
    });
    unsent.delete(id);
    view.outbox.remove(id);
  } catch (error) {
    view.outbox.failed(id, describeError(error), {
      onRetry: () => queueDelivery(id),
      onEdit: () => {
        unsent.delete(id);
        view.outbox.remove(id);
        view.putBackInComposer(message.text);
      },
    });
  } finally {
    view.setReconnecting(false);
  }
}

// While the room lives, a message rides out a failover or a database outage: it is shown as waiting and
// the same id is sent again until the room has stored it (it stores an id once, so a retry after a lost
// answer is safe), for sendRetryMs at most; then it is shown as not sent. A refusal, an ended room or
// leaving the page stops it at once (docs/failover.md).
async function deliver(id, box, onWaiting) {
  const giveUpAt = Date.now() + sendRetryMs;
  let rateLimitWaits = 0;
  let rejoins = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      await call(`${rid}.messages`, 'send', { id, ciphertext: box.ciphertext, nonce: box.nonce, memberKey: me.memberKey });
      return;
    } catch (error) {
      const code = errorCode(error);
      if (!joined || room?.status === 'closed') throw error;
      if (code === 'room.notJoined' && rejoins < MAX_REJOINS) {
        // A room started again on another node has forgotten its members: join again, quietly.
        rejoins++;
        await rejoin().catch(() => {});
      } else if (WAIT_FOR_ROOM.has(code) && Date.now() < giveUpAt) {
        onWaiting(true);
        await delay(Math.min(RETRY_MAX_MS, 500 * 2 ** Math.min(attempt - 1, 3), Math.max(0, giveUpAt - Date.now())));
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

async function copyLink() {
  try {
    await navigator.clipboard.writeText(location.href);
    view.flashCopyResult(t('room.linkCopied'));
  } catch {
    view.flashCopyResult(t('room.copyFailed'));
  }
}

const typing = new TypingLine({
  announce: async () => {
    if (!joined) return;
    const box = await envelope.sealTyping(keys, me.member, new Date().toISOString());
    await call(rid, 'typing', { memberKey: me.memberKey, ciphertext: box.ciphertext, nonce: box.nonce });
  },
  // A notice opens only with the room's key, for the member the server stamped, who must be present.
  read: async notice => {
    const member = notice?.member;
    if (typeof member !== 'string' || member === me?.member || !keys) return null;
    const at = await envelope.openTyping(keys, member, notice);
    const present = at && room.participants.toArray().find(p => p.member === member);
    const nick = present && await nickOf(present);
    return nick ? { member, nick, at } : null;
  },
  show: nicks => view.showTyping(nicks),
  hasDraft: () => view.hasDraft(),
});

// This tab's member key (kept, or new) and the member id it stands for, as the participants list shows it.
async function member() {
  const key = capability.parseMemberKey(stored.memberKey()) ?? capability.newMemberKey();
  return { member: await capability.memberIdOf(key), memberKey: envelope.toBase64Url(key) };
}

// resclient leaves a call pending forever when the socket drops (resclient issue #38).
function call(resource, method, params) {
  return withTimeout(client.call(resource, method, params));
}

function withTimeout(promise) {
  return Promise.race([promise, delay(CALL_TIMEOUT_MS).then(() => Promise.reject({ code: 'system.timeout' }))]);
}

function delay(ms) {
  return new Promise(resolve => setTimeout(resolve, ms));
}
