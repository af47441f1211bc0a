// One action: a fresh room id and a fresh 32-byte secret from this browser's own crypto.
// The secret goes after '#', so it never leaves the browser in any request.
import { newRoomId, newSecret } from './envelope.js';

const create = document.getElementById('create');
const error = document.getElementById('create-error');

create.addEventListener('click', () => {
  try {
    location.assign(`/room/${newRoomId()}#${newSecret()}`);
  } catch {
    error.textContent = 'This browser cannot create keys (it needs Web Crypto over https or on localhost).';
    error.hidden = false;
  }
});
create.focus();
