// The person's own messages that the room has not stored yet, below the conversation: what they say,
// whether they are on their way or failed, and a way to send a failed one again. Text only ever goes
// through textContent. Kept apart from the conversation, which is hidden while the page is offline:
// a message written then must stay in sight.
import { t } from './i18n.js';

export class OutboxView {
  constructor(list) {
    this.list = list;
    this.items = new Map(); // id -> <li>
  }

  /** Shows a message that is on its way. */
  add(id, text) {
    const li = document.createElement('li');
    li.dataset.id = id;
    const body = document.createElement('p');
    body.className = 'text';
    body.textContent = text;
    const state = document.createElement('p');
    state.className = 'state';
    li.append(body, state);
    this.items.set(id, li);
    this.list.append(li);
    this.list.hidden = false;
    this.setState(id, 'sending');
  }

  /** 'sending' or 'waiting'; a failed message is shown with failed(). */
  setState(id, state) {
    const li = this.items.get(id);
    if (!li) return;
    li.dataset.state = state;
    li.querySelector('.state').replaceChildren(t(`outbox.${state}`));
  }

  /** The message was not sent: says why and offers to send it again, or to take it back into the message box. */
  failed(id, reason, { onRetry, onEdit }) {
    const li = this.items.get(id);
    if (!li) return;
    li.dataset.state = 'failed';
    const why = document.createElement('span');
    why.textContent = t('outbox.notSent', { reason });
    const retry = button(t('outbox.sendAgain'), onRetry);
    const edit = button(t('outbox.edit'), onEdit);
    li.querySelector('.state').replaceChildren(why, retry, edit);
    retry.focus();
  }

  /** The room stored it (it shows in the conversation), or the person took it back. */
  remove(id) {
    this.items.get(id)?.remove();
    this.items.delete(id);
    this.list.hidden = this.items.size === 0;
  }

  has(id) {
    return this.items.has(id);
  }
}

function button(label, onClick) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  b.onclick = onClick;
  return b;
}
