// This tab's signing key for one room (docs/signatures.md). The key pair is made non-extractable and kept in
// IndexedDB, which can hold a CryptoKey without its private half ever becoming bytes a script could read, under the
// tab's member id (itself tab-scoped, in sessionStorage): a reload keeps the key, a new tab makes a new one. The
// counter is kept beside the member key. Where IndexedDB is unavailable the tab makes a fresh key on every load, and
// the others see the key change.
import { newSigningKeys, publicKeyText, signBody } from './signing.js';

const DB = 'chat-signing';
const STORE = 'keys';

export class MemberSigning {
  static async load(roomId, member) {
    const id = `${roomId}|${member}`;
    let pair = await read(id).catch(() => null);
    if (!pair) {
      pair = await newSigningKeys();
      await write(id, pair).catch(() => {});
    }
    return new MemberSigning(roomId, member, pair, await publicKeyText(pair.publicKey));
  }

  constructor(roomId, member, pair, publicKey) {
    this.roomId = roomId;
    this.counterKey = `chat.counter.${roomId}.${member}`;
    this.pair = pair;
    this.publicKey = publicKey;
  }

  /** The body as version 2: the next counter (kept before it is used, so a reload never repeats one) and the signature. */
  async sign(messageId, { member, nick, text, sentAt }) {
    const counter = Number(sessionStorage.getItem(this.counterKey) ?? '0') + 1;
    sessionStorage.setItem(this.counterKey, String(counter));
    const body = { member, counter, sentAt, nick, text };
    return { ...body, sig: await signBody(this.pair.privateKey, this.roomId, messageId, body) };
  }
}

function open() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function read(id) {
  const db = await open();
  try {
    return await done(db.transaction(STORE).objectStore(STORE).get(id));
  } finally {
    db.close();
  }
}

async function write(id, pair) {
  const db = await open();
  try {
    await done(db.transaction(STORE, 'readwrite').objectStore(STORE).put(pair, id));
  } finally {
    db.close();
  }
}

function done(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result ?? null);
    request.onerror = () => reject(request.error);
  });
}
