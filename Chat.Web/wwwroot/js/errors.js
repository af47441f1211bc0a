// The rooms' and the capability's error codes (docs/architecture.md, "Resources, calls and errors") in words a
// person understands, from the page's language (js/lang/*.js, keys error.<code>).
import { t } from './i18n.js';

export function describeError(error) {
  const code = error && typeof error.code === 'string' ? error.code : 'system.internalError';
  const text = t(`error.${code}`);
  return text === `error.${code}` ? t('error.unknown', { code }) : text;
}

export function errorCode(error) {
  return error && typeof error.code === 'string' ? error.code : null;
}

// The wait a room.rateLimited refusal asks for, or Infinity when it names none.
export function retryAfterMs(error) {
  const ms = error?.data?.retryAfterMs;
  return Number.isFinite(ms) && ms >= 0 ? ms : Infinity;
}
