// Everything the room page draws. Text from other people only ever goes through textContent.
import { linkPieces } from './links.js';
import { lang, t } from './i18n.js';
import { OutboxView } from './outbox-view.js';

const $ = id => document.getElementById(id);

// Consecutive messages of one sender within this long show the sender and time once.
const GROUP_WITHIN_MS = 5 * 60 * 1000;
const TITLE = document.title;

const STATUSES = new Set(['new', 'active', 'closed', 'damaged']);

export class RoomView {
  constructor() {
    this.status = $('status');
    this.notice = $('notice');
    this.joinForm = $('join-form');
    this.nick = $('nick');
    this.room = $('room');
    this.people = $('people');
    this.peopleCount = $('people-count');
    this.fingerprints = $('fingerprints');
    this.messages = $('messages');
    this.loadOlder = $('load-older');
    this.offline = $('offline');
    this.sendForm = $('send-form');
    this.text = $('text');
    this.sendError = $('send-error');
    this.reconnecting = $('reconnecting');
    this.outbox = new OutboxView($('outbox'));
    this.copyLink = $('copy-link');
    this.typing = $('typing');
    this.icon = document.querySelector('link[rel=icon]');
    this.rendered = new Map(); // seq -> <li>
    this.unread = 0;
  }

  /**
   * A message from someone else arrived: counted in the title while the tab is in the background, and
   * the icon gets a dot (the CSP allows images from this site only, so there is one such icon, not one
   * per count).
   */
  noteArrival() {
    if (document.visibilityState !== 'hidden') return;
    this.unread++;
    document.title = `(${this.unread}) ${TITLE}`;
    this.icon.href = '/favicon-unread.svg';
  }

  /** The person is looking again. */
  clearUnread() {
    this.unread = 0;
    document.title = TITLE;
    this.icon.href = '/favicon.svg';
  }

  showStatus(status, participantCount) {
    this.status.textContent = t(STATUSES.has(status) ? `status.${status}` : 'status.unknown', { count: participantCount });
    document.body.dataset.roomStatus = status;
  }

  showNotice(text) {
    this.notice.textContent = text;
    this.notice.hidden = !text;
  }

  askNickname(onJoin) {
    this.joinForm.hidden = false;
    this.room.hidden = true;
    this.nick.focus();
    this.joinForm.onsubmit = event => {
      event.preventDefault();
      const nick = this.nick.value.trim();
      if (nick) onJoin(nick);
    };
  }

  showRoom({ onSend, onLoadOlder, onTyping }) {
    this.joinForm.hidden = true;
    this.room.hidden = false;
    this.copyLink.hidden = false;
    this.sendForm.onsubmit = event => {
      event.preventDefault();
      const text = this.text.value;
      if (text.trim()) onSend(text);
    };
    this.text.onkeydown = event => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.sendForm.requestSubmit();
      }
    };
    this.text.oninput = () => {
      if (this.text.value.trim()) onTyping();
    };
    this.loadOlder.onclick = () => onLoadOlder();
    this.text.focus();
  }

  hideRoom() {
    this.room.hidden = true;
    this.joinForm.hidden = true;
  }

  hasDraft() {
    return this.text.value.trim() !== '';
  }

  clearComposer() {
    this.text.value = '';
    this.text.focus();
  }

  /** A message taken back from the outbox: into the box, before anything written since. */
  putBackInComposer(text) {
    this.text.value = this.text.value ? `${text}\n${this.text.value}` : text;
    this.text.focus();
  }

  showSendError(text) {
    this.sendError.textContent = text ?? '';
    this.sendError.hidden = !text;
  }

  // Writing goes on while offline: what is sent waits in the outbox, which stays in sight.
  setOffline(offline) {
    this.offline.hidden = !offline;
    this.messages.hidden = offline;
    this.people.hidden = offline;
  }

  setReconnecting(waiting) {
    this.reconnecting.hidden = !waiting;
    document.body.dataset.sendState = waiting ? 'reconnecting' : '';
  }

  setCanLoadOlder(can) {
    this.loadOlder.hidden = !can;
  }

  /** participants: [{ member, nick (null when unreadable) }] in join order. */
  /** participants: { member, nick, fingerprint }; the compare view lists the same people with their fingerprints. */
  renderPeople(participants, myMember) {
    this.peopleCount.textContent = String(participants.length);
    const you = p => {
      const span = document.createElement('span');
      span.className = 'you';
      span.textContent = t('people.you');
      return p.member === myMember ? [span] : [];
    };
    this.people.replaceChildren(...participants.map(p => {
      const li = document.createElement('li');
      li.dataset.member = p.member;
      li.textContent = p.nick ?? t('people.unreadable');
      if (p.nick === null) li.classList.add('unreadable');
      li.append(...you(p));
      return li;
    }));
    this.fingerprints.replaceChildren(...participants.filter(p => p.nick !== null).map(p => {
      const li = document.createElement('li');
      li.dataset.member = p.member;
      const name = document.createElement('span');
      name.textContent = p.nick;
      name.append(...you(p));
      const digits = document.createElement('code');
      digits.className = 'fingerprint';
      digits.textContent = p.fingerprint ?? t('compare.noKey');
      li.append(name, ' ', digits);
      return li;
    }));
  }

  /** Adds one message in seq order; a seq already shown is left alone. */
  /** trust: 'verified', 'unreadable', or why a readable message is not verified (docs/signatures.md). */
  addMessage({ seq, sentAt, body, sender, mine, trust }) {
    if (this.rendered.has(seq)) return;
    const verified = trust === 'verified';
    const li = document.createElement('li');
    li.dataset.seq = String(seq);
    li.dataset.trust = trust;
    // Only verified messages of one sender are grouped under one name: a claim never borrows another's heading.
    li.dataset.sender = body && verified ? sender ?? '' : '';
    li.dataset.sentAt = String(Date.parse(sentAt));
    const meta = document.createElement('p');
    meta.className = 'meta';
    const who = document.createElement('span');
    who.className = 'sender';
    who.textContent = !body ? t('messages.unreadableSender')
      : verified ? body.nick + (mine ? t('people.you') : '')
      : t('trust.claims', { nick: body.nick });
    const time = document.createElement('time');
    time.dateTime = sentAt;
    time.textContent = new Date(sentAt).toLocaleTimeString(lang, { hour: '2-digit', minute: '2-digit' });
    meta.append(who, ' ', time);
    if (body) {
      const badge = document.createElement('span');
      badge.className = `trust ${verified ? 'verified' : 'not-verified'}`;
      badge.textContent = verified ? t('trust.verified') : t('trust.notVerified', { reason: t(`trust.${trust}`) });
      meta.append(' ', badge);
    }
    const text = document.createElement('p');
    text.className = 'text';
    if (body) {
      text.append(...linkPieces(body.text).map(piece => piece.href ? link(piece) : piece.text));
    } else {
      li.classList.add('unreadable');
      text.textContent = t('messages.unreadable');
    }
    li.append(meta, text);

    let after;
    for (const s of this.rendered.keys()) if (s > seq && (after === undefined || s < after)) after = s;
    const stickToBottom = this.messages.scrollHeight - this.messages.scrollTop - this.messages.clientHeight < 40;
    this.messages.insertBefore(li, after === undefined ? null : this.rendered.get(after));
    this.rendered.set(seq, li);
    group(li);
    let next = li.nextElementSibling;
    while (next && !next.dataset.seq) next = next.nextElementSibling;
    if (next) group(next);
    if (stickToBottom && after === undefined) li.scrollIntoView({ block: 'end' });
  }

  /**
   * A line after everything shown so far: "Ada joined", "Ada left", "Ada's key changed" (only ever live), or
   * "Message 12 is missing" (params: { from, to }) when the room's history does not hold a seq.
   */
  addPresenceLine(nick, what, params = {}) {
    const li = document.createElement('li');
    li.className = 'presence';
    li.dataset.presence = what;
    const key = what === 'withheld' ? (params.from === params.to ? 'messages.withheldOne' : 'messages.withheld') : `messages.${what}`;
    li.textContent = t(key, { nick: nick ?? t('messages.someone'), ...params });
    const stickToBottom = this.messages.scrollHeight - this.messages.scrollTop - this.messages.clientHeight < 40;
    this.messages.append(li);
    if (stickToBottom) li.scrollIntoView({ block: 'end' });
  }

  /** nicks: who is writing now, in the order they started; empty hides the line. */
  showTyping(nicks) {
    this.typing.textContent = nicks.length === 0 ? ''
      : t(nicks.length === 1 ? 'typing.one' : 'typing.many', { nick: nicks[0], nicks: nicks.join(', ') });
  }

  oldestSeq() {
    return this.rendered.size ? Math.min(...this.rendered.keys()) : null;
  }

  /** "Copy invite link" puts the whole link, fragment and all, on the clipboard and says whether it could. */
  enableCopyLink() {
    this.copyLink.onclick = async () => {
      let result = t('room.linkCopied');
      try {
        await navigator.clipboard.writeText(location.href);
      } catch {
        result = t('room.copyFailed');
      }
      this.copyLink.textContent = result;
      setTimeout(() => { this.copyLink.textContent = t('room.copyLink'); }, 2000);
    };
  }
}

function link({ text, href }) {
  const a = document.createElement('a');
  a.href = href;
  a.textContent = text;
  a.target = '_blank';
  a.rel = 'noopener noreferrer';
  return a;
}

// A message continues its predecessor's group when both are readable, from the same sender, on the same day and
// close in time; the sender and time are then hidden from sight, not from screen readers. The first message of
// a day carries the day, which the stylesheet shows above it.
function group(li) {
  if (!li.dataset.seq) return;
  const previous = li.previousElementSibling;
  const day = dayOf(Number(li.dataset.sentAt));
  const previousMessage = previousMessageOf(li);
  if (previousMessage && dayOf(Number(previousMessage.dataset.sentAt)) === day) delete li.dataset.day;
  else li.dataset.day = day;
  const continued = previous !== null && previous.dataset.seq !== undefined && li.dataset.sender !== ''
    && previous.dataset.sender === li.dataset.sender && li.dataset.day === undefined
    && Number(li.dataset.sentAt) - Number(previous.dataset.sentAt) < GROUP_WITHIN_MS;
  li.classList.toggle('continued', continued);
}

function previousMessageOf(li) {
  let previous = li.previousElementSibling;
  while (previous && !previous.dataset.seq) previous = previous.previousElementSibling;
  return previous;
}

function dayOf(ms) {
  return new Date(ms).toLocaleDateString(lang, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
}
