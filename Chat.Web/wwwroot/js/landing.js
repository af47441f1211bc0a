// One action: a fresh 32-byte secret from this browser's own crypto, and the room id it derives
// (docs/capability.md), so the link certifies itself. The secret goes after '#', so it never leaves
// the browser in any request.
import { roomIdFromSecret } from './capability.js';
import { newSecret } from './envelope.js';

const create = document.getElementById('create');
const error = document.getElementById('create-error');

create.addEventListener('click', async () => {
  try {
    const secret = newSecret();
    location.assign(`/room/${await roomIdFromSecret(secret)}#${secret}`);
  } catch {
    error.textContent = 'This browser cannot create keys (it needs Web Crypto over https or on localhost).';
    error.hidden = false;
  }
});
create.focus();
