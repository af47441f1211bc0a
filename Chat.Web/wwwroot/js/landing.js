// One action: a fresh 32-byte secret from this browser's own crypto, and the room id it derives
// (docs/capability.md), so the link certifies itself. The secret goes after '#', so it never leaves
// the browser in any request.
import { roomIdFromSecret } from './capability.js';
import { newSecret } from './envelope.js';
import { t } from './i18n.js';

const create = document.getElementById('create');
const error = document.getElementById('create-error');

create.addEventListener('click', async () => {
  try {
    const secret = newSecret();
    location.assign(`/room/${await roomIdFromSecret(secret)}#${secret}`);
  } catch {
    error.textContent = t('landing.noCrypto');
    error.hidden = false;
  }
});
create.focus();
