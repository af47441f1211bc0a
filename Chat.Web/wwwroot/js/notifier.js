// Notifications while the tab is hidden, only when the person asks for them. By default one says that a
// message arrived and nothing else; the sender and the text are a second choice, explained, because the
// operating system then shows (and may keep) what this page otherwise only ever holds encrypted.
import { t } from './i18n.js';

const HINTS = { text: 'notify.hintText', blocked: 'notify.blocked' };
const MAX_BODY = 200;

export class Notifier {
  /** choice: the container, select: its <select>, hint: its explanation; storageKey: this tab's choice. */
  constructor({ choice, select, hint }, storageKey) {
    this.select = select;
    this.hint = hint;
    this.storageKey = storageKey;
    this.mode = 'off';
    if (!('Notification' in window)) return;
    choice.hidden = false;
    const kept = sessionStorage.getItem(storageKey);
    this.show(kept && Notification.permission === 'granted' ? kept : 'off');
    select.onchange = () => this.choose(select.value);
  }

  async choose(mode) {
    if (mode !== 'off' && Notification.permission !== 'granted' && await Notification.requestPermission() !== 'granted') {
      this.show('off', 'blocked');
      return;
    }
    this.show(mode);
  }

  show(mode, hint = mode) {
    this.mode = mode;
    this.select.value = mode;
    sessionStorage.setItem(this.storageKey, mode);
    this.hint.textContent = HINTS[hint] ? t(HINTS[hint]) : '';
    this.hint.hidden = !HINTS[hint];
  }

  /** A message from someone else arrived; body is null when it could not be read. */
  messageArrived(body) {
    if (this.mode === 'off' || document.visibilityState !== 'hidden' || Notification.permission !== 'granted') return;
    const withText = this.mode === 'text' && body;
    try {
      const note = withText ? new Notification(body.nick, { body: body.text.slice(0, MAX_BODY) }) : new Notification(t('notify.title'));
      note.onclick = () => {
        window.focus();
        note.close();
      };
    } catch {
      // A notification that cannot be shown must not stop the conversation.
    }
  }
}
