// Drives the real page in Debian's Chromium through playwright-core, for Chat.Tests/Browser/*.cs.
// Usage: node driver.mjs <scenario> <json arguments>. Prints progress lines, then one JSON result line.
// Every HTTP request and WebSocket frame of every page is appended to arguments.captureFile.
import { chromium } from 'playwright-core';
import { appendFileSync, existsSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const [scenario, json] = process.argv.slice(2);
const args = JSON.parse(json);
const launchOptions = {
  executablePath: args.chromium,
  headless: true,
  // Without the background-networking switches Chromium keeps calling out and gets refused.
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-default-apps'],
};
const WAIT = { timeout: 20000 };
const pending = [];

function record(entry) {
  if (args.captureFile) appendFileSync(args.captureFile, JSON.stringify(entry) + '\n');
}

// Lets a test cut a page off from the gateway: while blocked, every connection attempt is closed at once.
async function cutOff(page) {
  const control = { blocked: false, current: null };
  await page.routeWebSocket(/\/ws$/, ws => {
    if (control.blocked) {
      ws.close({ code: 1011, reason: 'cut off by the test' });
      return;
    }
    ws.connectToServer();
    control.current = ws;
  });
  return control;
}

// English unless a scenario asks for another language, whatever the machine's own locale.
// bypassCSP only for the accessibility check, which injects axe-core into the page.
async function newPage(browser, name, { locale = 'en-US', bypassCSP = false } = {}) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 720 }, locale, bypassCSP });
  context.on('request', request => pending.push(request.allHeaders().then(headers => record({
    kind: 'http', page: name, method: request.method(), url: request.url(), headers, body: request.postData() ?? '',
  })).catch(() => {})));
  const page = await context.newPage();
  page.on('websocket', ws => {
    record({ kind: 'ws-open', page: name, url: ws.url() });
    ws.on('framesent', f => record({ kind: 'ws-sent', page: name, payload: String(f.payload) }));
    ws.on('framereceived', f => record({ kind: 'ws-received', page: name, payload: String(f.payload) }));
  });
  page.on('pageerror', error => record({ kind: 'page-error', page: name, message: String(error) }));
  page.on('console', message => { if (message.type() === 'error') console.log(`[${name} console] ${message.text()}`); });
  return page;
}

const people = page => page.$$eval('#people li', items => items.map(li => li.textContent));
const texts = page => page.$$eval('#messages li:not(.unreadable) .text', items => items.map(p => p.textContent));
const outbox = page => page.$$eval('#outbox li', items => items.map(li => ({ text: li.querySelector('.text').textContent, state: li.dataset.state })));
const unreadableCount = page => page.$$eval('#messages li.unreadable', items => items.length);
const roomIdOf = link => new URL(link).pathname.split('/')[2];

// What the page keeps for this tab: its member key and the member id it derived from it.
function member(page, link) {
  return page.evaluate(id => ({
    memberKey: sessionStorage.getItem(`chat.memberKey.${id}`),
    member: sessionStorage.getItem(`chat.member.${id}`),
  }), roomIdOf(link));
}

// The member id on the participants line the page marks as its own.
const ownLine = page => page.$$eval('#people li', items => items.filter(li => li.querySelector('.you')).map(li => li.dataset.member));

async function join(page, nick) {
  try {
    await page.waitForSelector('#nick', { state: 'visible', ...WAIT });
  } catch (error) {
    // Say what the page shows instead of the join form: its status and notice name the reason.
    const shown = await page.evaluate(() => ({
      status: document.querySelector('#status')?.textContent,
      notice: document.querySelector('#notice')?.textContent,
    }));
    throw new Error(`The join form did not appear on ${page.url()}: ${JSON.stringify(shown)}`, { cause: error });
  }

  await page.fill('#nick', nick);
  await page.press('#nick', 'Enter');
  await page.waitForSelector('#room', { state: 'visible', ...WAIT });
  await waitForPerson(page, nick);
}

function waitForPerson(page, nick) {
  return page.waitForFunction(n => [...document.querySelectorAll('#people li')].some(li => li.textContent.startsWith(n)), nick, WAIT);
}

function waitUntilGone(page, nick, timeout) {
  return page.waitForFunction(n => ![...document.querySelectorAll('#people li')].some(li => li.textContent.startsWith(n)), nick, { timeout });
}

function waitForText(page, text) {
  return page.waitForFunction(t => [...document.querySelectorAll('#messages li .text')].some(p => p.textContent === t), text, WAIT);
}

async function send(page, text) {
  await page.fill('#text', text);
  await page.press('#text', 'Enter');
  await waitForText(page, text);
}

// Someone joins from a browser of their own whose process then dies: no pagehide, no leave call.
async function killedBrowserLeaves(watcher, link, nick, waitMs) {
  const server = await chromium.launchServer(launchOptions);
  const remote = await chromium.connect(server.wsEndpoint());
  const page = await newPage(remote, 'killed');
  await page.goto(link);
  await join(page, nick);
  await waitForPerson(watcher, nick);
  const { memberKey } = await member(page, link);
  const killMs = await timed(async () => {
    process.kill(server.process().pid, 'SIGKILL');
    await waitUntilGone(watcher, nick, waitMs);
  });
  return { killMs, memberKey };
}

// Someone who holds the link but seals with another key (a broken or hostile client, straight on the
// gateway's WebSocket from the site's own origin): it unlocks and joins as the protocol asks, and what
// it writes is unreadable to everyone else. window.offKey keeps the socket for its leave.
async function offKeyMember(page, link) {
  await page.goto(new URL('/', link).href);
  return page.evaluate(async link => {
    const cap = await import('/js/capability.js');
    const env = await import('/js/envelope.js');
    const url = new URL(link);
    const roomId = url.pathname.split('/')[2];
    const proof = cap.proofOf(await cap.accessToken(env.parseSecret(url.hash.slice(1))));
    const memberKey = env.toBase64Url(cap.newMemberKey());
    const config = await (await fetch('/chat-config.json')).json();
    const gateway = new URL(config.gateway, location.href);
    gateway.protocol = gateway.protocol.replace('http', 'ws');
    const ws = new WebSocket(gateway.href);
    await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = reject; });
    const waiting = new Map();
    ws.onmessage = event => {
      const frame = JSON.parse(event.data);
      waiting.get(frame.id)?.(frame);
      waiting.delete(frame.id);
    };
    let nextId = 1;
    const request = (method, params) => new Promise(resolve => {
      const id = nextId++;
      waiting.set(id, resolve);
      ws.send(JSON.stringify({ id, method, params }));
    });
    const random = n => env.toBase64(crypto.getRandomValues(new Uint8Array(n)));
    window.offKey = () => request(`call.room.${roomId}.leave`, { memberKey });
    const answers = [
      await request('version', { protocol: '1.2.1' }),
      await request(`auth.room.${roomId}.unlock`, { proof }),
      await request(`call.room.${roomId}.join`, { memberKey, profile: { ciphertext: random(48), nonce: random(12) } }),
      await request(`call.room.${roomId}.messages.send`, { id: crypto.randomUUID(), ciphertext: random(64), nonce: random(12), memberKey }),
    ];
    return { memberKey, errors: answers.filter(a => a.error).map(a => a.error.code) };
  }, link);
}

// A creates a room, B joins by the link, and A's first message (args.before) reaches B.
async function twoTalking(browser, a) {
  await a.goto(args.baseUrl);
  await a.click('#create');
  await a.waitForURL(/\/room\/[0-9a-f-]{36}#[A-Za-z0-9_-]{43}$/, WAIT);
  const link = a.url();
  await join(a, args.nickA);
  const b = await newPage(browser, 'B');
  await b.goto(link);
  await join(b, args.nickB);
  await waitForPerson(a, args.nickB);
  await send(a, args.before);
  await waitForText(b, args.before);
  console.log('A and B talk');
  return { link, b };
}

// axe-core (pinned by package-lock.json) on the page as it is now: the serious and critical violations.
const axeScript = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
async function accessibilityViolations(page, what) {
  await page.addScriptTag({ path: axeScript });
  const { violations } = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => ({ page: what, id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 5).map(n => n.target.join(' ')) }));
}

// The test and this driver take turns through marker files in args.signals: one writes, the other waits.
function signal(name) {
  writeFileSync(`${args.signals}/${name}`, '');
}

async function waitForSignal(name, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(`${args.signals}/${name}`)) {
    if (Date.now() > deadline) throw new Error(`No '${name}' from the test within ${timeoutMs} ms`);
    await new Promise(resolve => setTimeout(resolve, 50));
  }
}

async function timed(action) {
  const started = Date.now();
  await action();
  return Date.now() - started;
}

// Member signatures as the page shows them (docs/signatures.md): each message's trust, the compare view's fingerprints.
const trustOf = (page, text) => page.$$eval('#messages li[data-seq]', (items, t) => items
  .filter(li => li.querySelector('.text')?.textContent === t)
  .map(li => ({ trust: li.dataset.trust, sender: li.querySelector('.sender').textContent, badge: li.querySelector('.trust')?.textContent ?? null })), text);
const fingerprintsOf = page => page.$$eval('#fingerprints li', items => Object.fromEntries(items.map(li => [li.dataset.member, li.querySelector('.fingerprint').textContent])));
const linesOf = (page, what) => page.$$eval(`#messages li.presence[data-presence="${what}"]`, items => items.map(li => li.textContent));

const scenarios = {
  // Two people whose messages verify; one gets a new key; then a link holder forges, and a server replays and withholds.
  async signatures() {
    const browser = await chromium.launch(launchOptions);
    const a = await newPage(browser, 'A');
    const { link, b } = await twoTalking(browser, a);
    const memberA = (await member(a, link)).member;
    const memberB = (await member(b, link)).member;
    await b.waitForFunction(m => document.querySelector(`#fingerprints li[data-member="${m}"] .fingerprint`)?.textContent.match(/^[0-9 ]{23}$/), memberA, WAIT);
    await a.waitForFunction(m => document.querySelector(`#fingerprints li[data-member="${m}"] .fingerprint`)?.textContent.match(/^[0-9 ]{23}$/), memberB, WAIT);
    const first = { trustA: await trustOf(a, args.before), trustB: await trustOf(b, args.before), fingerprintsA: await fingerprintsOf(a), fingerprintsB: await fingerprintsOf(b) };
    console.log('A and B verify each other');

    // A's tab loses its key (as a new device would have another): same member, new key, and B is told.
    await a.evaluate(() => new Promise((resolve, reject) => {
      const request = indexedDB.deleteDatabase('chat-signing');
      request.onsuccess = resolve;
      request.onerror = () => reject(request.error);
    }));
    await a.reload();
    await waitForPerson(a, args.nickA);
    await b.waitForFunction(() => document.querySelector('#messages li.presence[data-presence="keyChanged"]') !== null, null, WAIT);
    await send(a, args.after);
    await waitForText(b, args.after);
    await b.waitForFunction((m, old) => {
      const shown = document.querySelector(`#fingerprints li[data-member="${m}"] .fingerprint`)?.textContent;
      return shown && shown !== old;
    }, memberA, first.fingerprintsB[memberA], WAIT);
    const changed = {
      memberA: (await member(a, link)).member,
      lines: await linesOf(b, 'keyChanged'),
      trustB: await trustOf(b, args.after),
      fingerprintsA: await fingerprintsOf(a),
      fingerprintsB: await fingerprintsOf(b),
    };
    console.log('A has a new key');

    // Written whole, then renamed: the test reads it as soon as the name appears.
    writeFileSync(`${args.signals}/talking.tmp`, JSON.stringify({ link, memberA, nickA: args.nickA }));
    renameSync(`${args.signals}/talking.tmp`, `${args.signals}/talking`);
    await waitForSignal('injected', 60000);
    for (const page of [a, b]) {
      await page.waitForFunction(t => [...document.querySelectorAll('#messages li .text')].some(p => p.textContent === t), args.forged, WAIT);
      await page.waitForFunction(() => document.querySelector('#messages li.presence[data-presence="withheld"]') !== null, null, WAIT);
    }
    const attacked = {};
    for (const [name, page] of [['a', a], ['b', b]]) {
      attacked[name] = {
        forged: await trustOf(page, args.forged),
        before: await trustOf(page, args.before),
        injected: await trustOf(page, args.injected),
        withheld: await linesOf(page, 'withheld'),
      };
    }
    await b.click('#compare summary');
    await b.screenshot({ path: `${args.screenshots}/room-signatures.png` });
    await browser.close();
    return { memberA, memberB, first, changed, attacked };
  },

  // Two people talk; an off-key member, a closed page, a killed browser and a reload along the way.
  async conversation() {
    const browser = await chromium.launch(launchOptions);
    const a = await newPage(browser, 'A');
    await a.goto(args.baseUrl);
    await a.screenshot({ path: `${args.screenshots}/landing.png` });
    await a.click('#create');
    await a.waitForURL(/\/room\/[0-9a-f-]{36}#[A-Za-z0-9_-]{43}$/, WAIT);
    const link = a.url();
    console.log('A created the room');
    await join(a, args.nickA);
    await a.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await a.click('#copy-link');
    const copiedLink = await a.evaluate(() => navigator.clipboard.readText());

    const b = await newPage(browser, 'B');
    await b.goto(link);
    await join(b, args.nickB);
    await waitForPerson(a, args.nickB);
    await waitForPerson(b, args.nickA);
    console.log('A and B see each other');

    for (const [i, text] of args.texts.entries()) {
      const [from, to] = i % 2 === 0 ? [a, b] : [b, a];
      await send(from, text);
      await waitForText(to, text);
    }
    await a.screenshot({ path: `${args.screenshots}/room.png` });
    console.log('messages flowed both ways');
    const textsA = await texts(a);
    const textsB = await texts(b);
    const memberA = await member(a, link);
    const memberB = await member(b, link);
    const ownLineA = await ownLine(a);

    // A link holder whose client seals with another key: its nickname and message are unreadable, the page still works.
    const w = await newPage(browser, 'W');
    const offKey = await offKeyMember(w, link);
    await a.waitForFunction(() => document.querySelector('#messages li.unreadable') !== null, null, WAIT);
    const offKeyShown = {
      errors: offKey.errors,
      unreadable: await unreadableCount(a),
      readable: (await texts(a)).length,
      status: await a.textContent('#status'),
      aSeesUnreadablePerson: await a.waitForFunction(() => [...document.querySelectorAll('#people li')].some(li => li.classList.contains('unreadable')), null, WAIT).then(() => true),
    };
    await w.evaluate(() => window.offKey());
    await w.close();
    await waitUntilGone(a, 'unreadable', 20000);
    console.log('an off-key member was shown as unreadable');

    const closeMs = await timed(async () => {
      await b.close({ runBeforeUnload: true });
      await waitUntilGone(a, args.nickB, 20000);
    });
    console.log(`B closed its page; gone from A's list after ${closeMs} ms`);

    const { killMs, memberKey: memberKeyC } = await killedBrowserLeaves(a, link, args.nickC, args.killWaitMs);
    console.log(`C's browser killed; gone from A's list after ${killMs} ms`);

    await a.reload();
    await a.waitForSelector('#room', { state: 'visible', ...WAIT });
    await waitForPerson(a, args.nickA);
    await a.waitForFunction(n => document.querySelectorAll('#messages li .text').length >= n, args.texts.length + 1, WAIT);
    const afterReload = { texts: await texts(a), unreadable: await unreadableCount(a), people: await people(a), member: await member(a, link), ownLine: await ownLine(a) };
    console.log('A reloaded and is still in the room');

    await a.close({ runBeforeUnload: true });
    await browser.close();
    return {
      link, copiedLink, textsA, textsB, memberA, ownLineA, offKeyShown, closeMs, killMs, afterReload,
      memberKeys: [memberA.memberKey, memberB.memberKey, memberKeyC, offKey.memberKey],
    };
  },

  // A is cut off from the gateway and comes back by itself: it unlocks again, resyncs, rejoins, and the talk goes on.
  async reconnect() {
    const browser = await chromium.launch(launchOptions);
    const a = await newPage(browser, 'A');
    const aLine = await cutOff(a);
    const { link, b } = await twoTalking(browser, a);

    // A loses its connection while B writes: A's messages are hidden, then shown again after the resync.
    aLine.blocked = true;
    aLine.current.close({ code: 1001, reason: 'cut off by the test' });
    await a.waitForSelector('#offline', { state: 'visible', ...WAIT });
    const hiddenWhileOffline = !(await a.isVisible('#messages'));
    await send(b, args.whileAway);
    aLine.blocked = false;
    await a.waitForSelector('#messages', { state: 'visible', ...WAIT });
    await waitForText(a, args.whileAway);
    await waitForPerson(b, args.nickA);
    console.log('A was cut off and resynced');

    await send(a, args.afterA);
    await waitForText(b, args.afterA);
    await send(b, args.afterB);
    await waitForText(a, args.afterB);
    console.log('A and B talk again');

    const result = {
      link,
      hiddenWhileOffline,
      offlineShownAfter: await a.isVisible('#offline'),
      notice: await a.textContent('#notice'),
      textsA: await texts(a),
      textsB: await texts(b),
      peopleA: await people(a),
      peopleB: await people(b),
    };
    await a.close({ runBeforeUnload: true });
    await b.close({ runBeforeUnload: true });
    await browser.close();
    return result;
  },

  // The room waits for its database: A's message waits below the conversation under "Reconnecting…" and
  // goes out by itself when the room is back; nothing asks A to do anything, and A can write on.
  async databaseOutage() {
    const browser = await chromium.launch(launchOptions);
    const a = await newPage(browser, 'A');
    const { b } = await twoTalking(browser, a);

    signal('talking');
    await waitForSignal('database-down', 60000);
    await a.fill('#text', args.during);
    await a.press('#text', 'Enter');
    await a.waitForSelector('#reconnecting', { state: 'visible', timeout: 30000 });
    const waiting = {
      composer: await a.inputValue('#text'),
      readOnly: await a.$eval('#text', t => t.readOnly),
      sendDisabled: await a.$eval('#send-form button', button => button.disabled),
      outbox: await outbox(a),
      errorShown: await a.isVisible('#send-error'),
      notice: await a.textContent('#reconnecting'),
    };
    console.log('A sees "Reconnecting" and the message waiting');
    signal('reconnecting');

    // The database comes back after the test's outage; the message then goes out with no click.
    try {
      await b.waitForFunction(t => [...document.querySelectorAll('#messages li .text')].some(p => p.textContent === t), args.during, { timeout: 90000 });
    } catch (error) {
      const seen = { outboxA: await outbox(a), reconnectingA: await a.isVisible('#reconnecting'), textsA: await texts(a), textsB: await texts(b), offlineB: await b.isVisible('#offline') };
      throw new Error(`B did not get A's message: ${JSON.stringify(seen)}`, { cause: error });
    }
    await a.waitForSelector('#reconnecting', { state: 'hidden', ...WAIT });
    await waitForText(a, args.during);
    await a.waitForSelector('#outbox', { state: 'hidden', ...WAIT });
    const after = {
      composer: await a.inputValue('#text'),
      outbox: await outbox(a),
      errorShown: await a.isVisible('#send-error'),
      textsA: await texts(a),
      textsB: await texts(b),
      peopleB: await people(b),
    };
    console.log('the message went out when the room was back');
    await a.close({ runBeforeUnload: true });
    await b.close({ runBeforeUnload: true });
    await browser.close();
    return { waiting, after };
  },

  // A is cut off from the gateway and writes: the message shows as on its way, then (after the page's
  // send retry window) as not sent, with its text. The gateway comes back, A presses "Send again", and
  // the message reaches both, once.
  async failedSend() {
    const browser = await chromium.launch(launchOptions);
    const a = await newPage(browser, 'A');
    const aLine = await cutOff(a);
    const { b } = await twoTalking(browser, a);

    aLine.blocked = true;
    aLine.current.close({ code: 1001, reason: 'cut off by the test' });
    await a.waitForSelector('#offline', { state: 'visible', ...WAIT });
    await a.fill('#text', args.during);
    await a.press('#text', 'Enter');
    await a.waitForSelector('#outbox li', WAIT);
    const pending = { composer: await a.inputValue('#text'), outbox: await outbox(a) };
    await a.waitForSelector('#outbox li[data-state="failed"]', { timeout: 60000 });
    const failed = {
      outbox: await outbox(a),
      reason: await a.textContent('#outbox li .state span'),
      buttons: await a.$$eval('#outbox li button', items => items.map(b => b.textContent)),
      focused: await a.evaluate(() => document.activeElement?.textContent ?? null),
      textsB: await texts(b),
    };
    console.log('A sees the message as not sent');

    aLine.blocked = false;
    await a.waitForSelector('#offline', { state: 'hidden', timeout: 60000 });
    await a.keyboard.press('Enter'); // "Send again" has the focus
    await waitForText(a, args.during);
    await waitForText(b, args.during);
    await a.waitForSelector('#outbox', { state: 'hidden', ...WAIT });
    const after = { outbox: await outbox(a), textsA: await texts(a), textsB: await texts(b) };
    console.log('sent again once the gateway was back');
    await browser.close();
    return { pending, failed, after };
  },

  // Links whose id and key do not belong together: each says so, and its page opens no connection at all.
  async damaged() {
    const browser = await chromium.launch(launchOptions);
    const results = [];
    for (const link of args.links) {
      const page = await newPage(browser, link.name);
      const sockets = [];
      page.on('websocket', ws => {
        const socket = { sent: [] };
        sockets.push(socket);
        ws.on('framesent', f => socket.sent.push(JSON.parse(String(f.payload)).method));
      });
      await page.goto(link.url);
      await page.waitForSelector(`body[data-room-status="${link.expect}"]`, WAIT);
      // Whatever the page might still do would happen now: the damaged state is shown before any connect.
      await page.waitForTimeout(args.settleMs);
      results.push({
        name: link.name,
        status: await page.textContent('#status'),
        notice: await page.isVisible('#notice') ? await page.textContent('#notice') : null,
        joinFormVisible: await page.isVisible('#join-form'),
        sockets,
      });
      await page.close();
    }
    await browser.close();
    return results;
  },

  // A browser killed while its gateway sends no disconnect hint (as stock Resgate): heartbeats alone.
  async killed() {
    const browser = await chromium.launch(launchOptions);
    const a = await newPage(browser, 'A');
    await a.goto(args.baseUrl);
    await a.click('#create');
    await a.waitForURL(/\/room\/[0-9a-f-]{36}#[A-Za-z0-9_-]{43}$/, WAIT);
    await join(a, args.nickA);
    const { killMs } = await killedBrowserLeaves(a, a.url(), args.nickB, args.killWaitMs);
    const stillThere = await people(a);
    await a.close({ runBeforeUnload: true });
    await browser.close();
    return { killMs, stillThere };
  },

  // What makes a conversation easy to read: grouped runs, clickable web addresses, the unread count of
  // a tab in the background, and the dark theme.
  async readingAids() {
    const browser = await chromium.launch(launchOptions);
    const a = await newPage(browser, 'A');
    const { b } = await twoTalking(browser, a);
    for (const text of args.run) await send(a, text);
    await send(b, args.reply);
    await waitForText(a, args.reply);
    const grouping = await b.$$eval('#messages li', items => items.map(li => li.classList.contains('continued')));
    const metaShown = await b.$$eval('#messages li .meta', metas => metas.map(m => m.getBoundingClientRect().height > 1));
    const days = await b.$$eval('#messages li', items => items.map(li => li.dataset.day ?? null));

    // Cy comes, reloads (a leave and a join at once: no line), and goes: B reads one line for each.
    const presenceLines = () => b.$$eval('#messages li.presence', items => items.map(li => li.textContent));
    const c = await newPage(browser, 'C');
    await c.goto(a.url());
    await join(c, args.nickC);
    await b.waitForFunction(n => [...document.querySelectorAll('#messages li.presence')].some(li => li.textContent === `${n} joined`), args.nickC, WAIT);
    await c.reload();
    await waitForPerson(c, args.nickC);
    await b.waitForTimeout(args.leaveSettlesMs + 1000);
    const afterReload = await presenceLines();
    await c.close({ runBeforeUnload: true });
    await b.waitForFunction(n => [...document.querySelectorAll('#messages li.presence')].some(li => li.textContent === `${n} left`), args.nickC, WAIT);
    const afterLeaving = await presenceLines();

    await send(a, args.linkText);
    await waitForText(b, args.linkText);
    const last = '#messages li:last-child .text';
    const links = await b.$$eval(`${last} a`, anchors => anchors.map(x => ({ href: x.getAttribute('href'), text: x.textContent, rel: x.rel, target: x.target })));
    const linkText = await b.$eval(last, p => p.textContent);

    // Headless tabs are never hidden, so B's tab is sent to the background the way a browser reports it.
    const setVisibility = state => b.evaluate(value => {
      Object.defineProperty(document, 'visibilityState', { value, configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    }, state);
    await setVisibility('hidden');
    const titleBefore = await b.title();
    for (const text of args.whileAway) await send(a, text);
    await b.waitForFunction(n => document.title.startsWith(`(${n}) `), args.whileAway.length, WAIT);
    const titleAway = await b.title();
    const icon = () => b.evaluate(() => new URL(document.querySelector('link[rel=icon]').href).pathname);
    const iconAway = await icon();
    await setVisibility('visible');
    const titleBack = await b.title();
    const iconBack = await icon();

    const background = () => b.evaluate(() => getComputedStyle(document.querySelector('.conversation')).backgroundColor);
    await b.emulateMedia({ colorScheme: 'light' });
    const light = await background();
    await b.emulateMedia({ colorScheme: 'dark' });
    const dark = await background();
    if (args.screenshots) await b.screenshot({ path: `${args.screenshots}/room-dark.png` });
    await browser.close();
    return { grouping, metaShown, days, afterReload, afterLeaving, links, linkText, titleBefore, titleAway, titleBack, iconAway, iconBack, light, dark };
  },

  // Notifications while B's tab is hidden, as B chooses them: none by default, "a message arrived" without
  // the text, the sender and the text only when asked, none again when turned off, and none while the tab
  // is seen. A, whose browser refuses notifications, is told so and stays at "Never".
  async notifications() {
    const browser = await chromium.launch(launchOptions);
    const a = await newPage(browser, 'A');
    const { link, b } = await twoTalking(browser, a);
    await b.context().grantPermissions(['notifications'], { origin: new URL(link).origin });
    // The page's notifications are recorded as they are made; headless Chromium shows none.
    await b.context().addInitScript(() => {
      window.notes = [];
      window.Notification = class extends window.Notification {
        constructor(title, options) {
          super(title, options);
          window.notes.push({ title, body: options?.body ?? '' });
        }
      };
    });
    await b.reload();
    await waitForText(b, args.before);
    const notes = () => b.evaluate(() => window.notes);
    const setVisibility = state => b.evaluate(value => {
      Object.defineProperty(document, 'visibilityState', { value, configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    }, state);
    const arrives = async text => {
      await send(a, text);
      await waitForText(b, text);
    };

    const initial = await b.inputValue('#notify');
    await setVisibility('hidden');
    await arrives(args.texts[0]);
    const byDefault = await notes();

    await b.selectOption('#notify', 'arrival');
    await arrives(args.texts[1]);
    await b.waitForFunction(() => window.notes.length === 1, null, WAIT);

    await setVisibility('visible');
    await b.selectOption('#notify', 'text');
    const textHint = await b.textContent('#notify-hint');
    await arrives(args.texts[2]);
    await setVisibility('hidden');
    await arrives(args.texts[3]);
    await b.waitForFunction(() => window.notes.length === 2, null, WAIT);

    await b.selectOption('#notify', 'off');
    await arrives(args.texts[4]);
    const all = await notes();

    await a.selectOption('#notify', 'arrival');
    await a.waitForSelector('#notify-hint', { state: 'visible', ...WAIT });
    const refused = { choice: await a.inputValue('#notify'), hint: await a.textContent('#notify-hint') };
    await browser.close();
    return { initial, byDefault, textHint, notes: all, refused };
  },

  // A French browser gets the pages in French, static text, states and errors alike; the switch turns the
  // room to English (the page reloads and rejoins); an English browser gets English.
  async languages() {
    const browser = await chromium.launch(launchOptions);
    const f = await newPage(browser, 'F', { locale: 'fr-FR' });
    await f.goto(args.baseUrl);
    const text = (page, selector) => page.textContent(selector);
    const landingFr = { lang: await f.evaluate(() => document.documentElement.lang), title: await f.title(), heading: await text(f, 'h1'), button: await text(f, '#create') };
    await f.click('#create');
    await f.waitForURL(/\/room\/[0-9a-f-]{36}#[A-Za-z0-9_-]{43}$/, WAIT);
    await f.waitForSelector('#nick', { state: 'visible', ...WAIT });
    const joinFr = { label: await text(f, 'label[for=nick]'), button: await text(f, '#join-form button') };
    await f.fill('#nick', args.nick);
    await f.press('#nick', 'Enter');
    await f.waitForSelector('#room', { state: 'visible', ...WAIT });
    await waitForPerson(f, args.nick);
    await send(f, args.message);
    const room = async page => ({
      lang: await page.evaluate(() => document.documentElement.lang),
      title: await page.title(),
      status: await text(page, '#status'),
      heading: await text(page, '#people-heading'),
      you: await text(page, '#people li .you'),
      placeholder: await page.getAttribute('#text', 'placeholder'),
      send: await text(page, '#send-form button'),
      notify: await text(page, 'label[for=notify]'),
      error: await page.evaluate(async () => (await import('/js/errors.js')).describeError({ code: 'room.full' })),
    });
    const roomFr = await room(f);
    if (args.screenshots) await f.screenshot({ path: `${args.screenshots}/room-fr.png` });

    await Promise.all([f.waitForEvent('load'), f.selectOption('#lang', 'en')]);
    await f.waitForSelector('#room', { state: 'visible', ...WAIT });
    await waitForPerson(f, args.nick);
    const roomEn = await room(f);
    if (args.screenshots) {
      await f.setViewportSize({ width: 390, height: 760 });
      await f.screenshot({ path: `${args.screenshots}/room-phone.png` });
    }
    const keys = await f.evaluate(async () => ({
      en: Object.keys((await import('/js/lang/en.js')).default).sort(),
      fr: Object.keys((await import('/js/lang/fr.js')).default).sort(),
    }));

    const e = await newPage(browser, 'E');
    await e.goto(args.baseUrl);
    const landingEn = { lang: await e.evaluate(() => document.documentElement.lang), heading: await text(e, 'h1'), button: await text(e, '#create') };
    await browser.close();
    return { landingFr, joinFr, roomFr, roomEn, keys, landingEn };
  },

  // axe-core on every state a person meets: the landing page, the join form, a room with a conversation
  // (a presence line, a link, a grouped run, the notification choice and its hint), in light and dark.
  async accessibility() {
    const browser = await chromium.launch(launchOptions);
    const a = await newPage(browser, 'A', { bypassCSP: true });
    await a.goto(args.baseUrl);
    const found = await accessibilityViolations(a, 'landing');
    await a.click('#create');
    await a.waitForURL(/\/room\/[0-9a-f-]{36}#[A-Za-z0-9_-]{43}$/, WAIT);
    await a.waitForSelector('#nick', { state: 'visible', ...WAIT });
    found.push(...await accessibilityViolations(a, 'join form'));
    await join(a, args.nickA);
    const b = await newPage(browser, 'B');
    await b.goto(a.url());
    await join(b, args.nickB);
    await a.waitForFunction(n => [...document.querySelectorAll('#messages li.presence')].some(li => li.textContent === `${n} joined`), args.nickB, WAIT);
    for (const text of args.texts) await send(a, text);
    await send(b, args.reply);
    await waitForText(a, args.reply);
    await a.selectOption('#notify', 'text').catch(() => {});
    found.push(...await accessibilityViolations(a, 'room'));
    await a.emulateMedia({ colorScheme: 'dark' });
    found.push(...await accessibilityViolations(a, 'room, dark'));
    await browser.close();
    return { found, pages: 4 };
  },

  // A writes without sending: B reads "Ada is typing…", A does not see itself; A sends: the line goes.
  async typing() {
    const browser = await chromium.launch(launchOptions);
    const a = await newPage(browser, 'A');
    const { b } = await twoTalking(browser, a);
    await a.locator('#text').pressSequentially(args.draft, { delay: 10 });
    await b.waitForFunction(n => document.querySelector('#typing').textContent.startsWith(n), args.nickA, WAIT);
    const shownToB = await b.textContent('#typing');
    const shownToA = await a.textContent('#typing');
    await a.press('#text', 'Enter');
    await waitForText(b, args.draft);
    await b.waitForFunction(() => document.querySelector('#typing').textContent === '', null, WAIT);
    const afterMessage = await b.textContent('#typing');
    await browser.close();
    return { shownToB, shownToA, afterMessage };
  },

  // B is cut off while A writes more than the room's window: after the reconnect B shows every message,
  // in order, none skipped.
  async missed() {
    const browser = await chromium.launch(launchOptions);
    const a = await newPage(browser, 'A');
    const { b } = await twoTalking(browser, a);
    const bLine = await cutOff(b);
    await b.reload();
    await waitForText(b, args.before);
    bLine.blocked = true;
    bLine.current.close({ code: 1001, reason: 'cut off by the test' });
    await b.waitForSelector('#offline', { state: 'visible', ...WAIT });
    for (const text of args.whileAway) await send(a, text);
    console.log(`A wrote ${args.whileAway.length} messages while B was away`);
    bLine.blocked = false;
    await b.waitForSelector('#messages', { state: 'visible', ...WAIT });
    await b.waitForFunction(n => document.querySelectorAll('#messages li[data-seq]').length >= n, args.whileAway.length + 1, { timeout: 60000 });
    const result = {
      textsB: await texts(b),
      seqsB: await b.$$eval('#messages li[data-seq]', items => items.map(li => Number(li.dataset.seq))),
      error: await b.textContent('#send-error'),
    };
    await browser.close();
    return result;
  },

  // The link after the room ended: it says so, and offers no way to join.
  async ended() {
    const browser = await chromium.launch(launchOptions);
    const page = await newPage(browser, 'late');
    await page.goto(args.link);
    await page.waitForSelector('body[data-room-status="closed"]', WAIT);
    const result = {
      status: await page.textContent('#status'),
      notice: await page.textContent('#notice'),
      joinFormVisible: await page.isVisible('#join-form'),
      roomVisible: await page.isVisible('#room'),
    };
    await browser.close();
    return result;
  },

  // The browser's envelope and capability against the fixed vectors, then a C# client and the page in one room.
  async interop() {
    const browser = await chromium.launch(launchOptions);
    const page = await newPage(browser, 'interop');
    await page.goto(args.baseUrl);
    const vectors = await page.evaluate(async v => {
      const env = await import('/js/envelope.js');
      const hex = b64 => Uint8Array.from(atob(b64), c => c.charCodeAt(0));
      const keys = await env.deriveKeys(env.parseSecret(v.secret), v.roomId);
      const messages = [];
      for (const m of v.messages) {
        const sealed = await env.sealMessage(keys, m.id, m.body, hex(m.nonce));
        const opened = await env.openMessage(keys, m.id, { ciphertext: m.ciphertext, nonce: m.nonce });
        messages.push({ ciphertext: sealed.ciphertext, opened });
      }
      const profiles = [];
      for (const p of v.profiles) {
        const sealed = await env.sealProfile(keys, p.member, { nick: p.nick }, hex(p.nonce));
        profiles.push({ ciphertext: sealed.ciphertext, opened: await env.openProfile(keys, p.member, { ciphertext: p.ciphertext, nonce: p.nonce }) });
      }
      return { messages, profiles };
    }, args.vectors);
    console.log('vectors checked in the page');

    // Member signatures (docs/signatures.md): the C#-signed vectors in the page, then a body the page signs for C#.
    const signatures = await page.evaluate(async v => {
      const env = await import('/js/envelope.js');
      const signing = await import('/js/signing.js');
      const bytes = b64 => Uint8Array.from(atob(b64), c => c.charCodeAt(0));
      const keys = await env.deriveKeys(env.parseSecret(v.secret), v.roomId);
      const fingerprints = [];
      for (const s of v.signers) fingerprints.push(await signing.fingerprint(s.publicKey));
      const profiles = [];
      const signingKeys = new Map();
      for (const p of v.profiles) {
        const profile = p.signingKey === null ? { nick: p.nick } : { nick: p.nick, signingKey: p.signingKey };
        const sealed = await env.sealProfile(keys, p.member, profile, bytes(p.nonce));
        const opened = await env.openMemberProfile(keys, p.member, { ciphertext: p.ciphertext, nonce: p.nonce });
        signingKeys.set(p.member, opened?.signingKey ?? null);
        profiles.push({ ciphertext: sealed.ciphertext, opened });
      }
      const verifier = new signing.MessageVerifier(v.roomId);
      const messages = [];
      for (const m of v.messages) {
        const sealed = await env.sealMessage(keys, m.id, m.body, bytes(m.nonce));
        const opened = await env.openMessage(keys, m.id, { ciphertext: m.ciphertext, nonce: m.nonce });
        const trust = opened && await verifier.check(m.id, m.seq, m.stamp, opened, signingKeys.get(m.stamp));
        messages.push({ ciphertext: sealed.ciphertext, opened, trust });
      }
      const pair = await signing.newSigningKeys();
      const fresh = { member: v.signers[0].member, counter: 1, sentAt: new Date().toISOString(), nick: 'Page ✍', text: 'signed in the page 🖋' };
      fresh.sig = await signing.signBody(pair.privateKey, v.roomId, 'page-signed-1', fresh);
      let privateKeyExported = true;
      try { await crypto.subtle.exportKey('jwk', pair.privateKey); } catch { privateKeyExported = false; }
      return {
        fingerprints, profiles, messages,
        pageSigned: { id: 'page-signed-1', publicKey: await signing.publicKeyText(pair.publicKey), body: fresh, fingerprint: await signing.fingerprint(await signing.publicKeyText(pair.publicKey)) },
        privateKeyExported,
      };
    }, args.signatureVectors);
    console.log('signature vectors checked in the page');

    // The capability's derivations (docs/capability.md), from the secrets and member keys of the capability vectors.
    const capability = await page.evaluate(async v => {
      const cap = await import('/js/capability.js');
      const { parseSecret } = await import('/js/envelope.js');
      const hex = bytes => Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('');
      const tamper = id => id.slice(0, -1) + (id.endsWith('0') ? '1' : '0');
      const rooms = [];
      for (const [i, r] of v.rooms.entries()) {
        const access = await cap.accessToken(parseSecret(r.secret));
        const other = v.rooms[(i + 1) % v.rooms.length].secret;
        rooms.push({
          access: hex(access),
          proof: cap.proofOf(access),
          roomId: await cap.roomIdOf(access),
          fromSecret: await cap.roomIdFromSecret(r.secret),
          matches: await cap.linkMatches(r.roomId, r.secret),
          tamperedIdMatches: await cap.linkMatches(tamper(r.roomId), r.secret),
          otherSecretMatches: await cap.linkMatches(r.roomId, other),
        });
      }
      const members = [];
      for (const m of v.members) members.push({ memberId: await cap.memberIdOf(parseSecret(m.memberKey)) });
      const fresh = cap.newMemberKey();
      return { rooms, members, newMemberKeyLength: fresh.length, newMemberId: await cap.memberIdOf(fresh) };
    }, args.capabilityVectors);
    console.log('capability vectors checked in the page');

    const errorTexts = await page.evaluate(async codes => {
      const { describeError } = await import('/js/errors.js');
      return Object.fromEntries(codes.map(code => [code, describeError({ code })]));
    }, args.errorCodes);

    await page.goto(args.link);
    await join(page, args.pageNick);
    await waitForPerson(page, args.botNick);
    await waitForText(page, args.botTexts.at(-1));
    const windowShown = await texts(page);

    // Older messages come on demand, a page at a time, until the first one.
    while (await page.isVisible('#load-older')) {
      const before = (await texts(page)).length;
      await page.click('#load-older');
      await page.waitForFunction(n => document.querySelectorAll('#messages li[data-seq]').length > n, before, WAIT);
    }
    await send(page, args.pageText);
    const shown = await texts(page);
    await page.close({ runBeforeUnload: true });
    await browser.close();
    return { vectors, signatures, capability, errorTexts, windowShown, shown };
  },
};

try {
  const result = await scenarios[scenario]();
  await Promise.all(pending);
  console.log(JSON.stringify(result));
} catch (error) {
  console.error(error);
  process.exit(1);
}
