import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { pino } from 'pino';
import sharp from 'sharp';
import { ensureWebApp } from '../../supervisor/build-web-app.ts';
import { seriousViolations } from './axe.ts';
import { launchChromium, newPerson, screenshot } from '../support/chromium.ts';
import { startSystem, waitFor, type RunningSystem } from '../support/system.ts';
import { logIn } from '../support/users.ts';

// Functions passed to page.evaluate run in the page: its globals, typed loosely here (the test
// project has no DOM library, as the rest of the code runs in Node).
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const window: any;
declare const localStorage: any;
declare const MutationObserver: any;

/**
 * Wetty Web in real headless Chromium against the whole system (`npm start`'s supervisor, api,
 * workers and realtime node on free ports): three people in three browser contexts.
 * The steps share one system and build on each other, like a person's session.
 */
describe('Wetty Web (Chromium)', function () {
  this.timeout(150_000);
  let system: RunningSystem;
  let browser: Browser;
  let baseUrl: string;
  const people: Record<'alice' | 'bob' | 'carol', { context: BrowserContext; page: Page; errors: string[]; username: string; password: string }> = {} as never;
  const latencies: number[] = [];
  let directChatId = '';

  before(async function () {
    this.timeout(300_000);
    // Built here rather than by the supervisor, so a slow build does not count against its start.
    expect(await ensureWebApp(pino({ level: 'silent' }))).to.be.oneOf(['fresh', 'built']);
    system = await startSystem({ SUPERVISOR_READY_TIMEOUT_SECONDS: '170' }, { readyTimeoutMs: 180_000 });
    baseUrl = system.http.baseUrl;
    browser = await launchChromium();
    for (const name of ['alice', 'bob', 'carol'] as const) {
      const person = await newPerson(browser, baseUrl);
      people[name] = { ...person, username: `${name}_${randomBytes(4).toString('hex')}`, password: `pw-${randomBytes(6).toString('hex')}` };
    }
  });

  after(async () => {
    if (latencies.length > 0) {
      const sorted = [...latencies].sort((a, b) => a - b);
      const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
      console.log(`      send-click → render between two contexts: median ${median.toFixed(1)} ms over ${sorted.length} messages (p90 ${(sorted[Math.floor(sorted.length * 0.9)] ?? 0).toFixed(1)} ms)`);
    }
    await browser?.close();
    await system?.stop();
  });

  afterEach(function () {
    for (const [name, person] of Object.entries(people)) {
      expect(person.errors, `${name}'s page threw`).to.deep.equal([]);
    }
    if (this.currentTest?.state === 'failed') console.log(system.problems());
  });

  it('serves the app at / with the right headers, and leaves API paths to the API', async () => {
    const page = await fetch(`${baseUrl}/app/chats/123`);
    expect(page.status).to.equal(200);
    expect(page.headers.get('content-type')).to.match(/^text\/html/);
    expect(page.headers.get('cache-control')).to.equal('no-cache');
    expect(page.headers.get('content-security-policy')).to.include("script-src 'self'");
    const html = await page.text();
    expect(html).to.include('<meta name="wetty-recall-window-seconds" content="120" />');
    expect(html).to.include('<meta name="wetty-edit-window-seconds" content="172800" />');
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(asset).to.be.a('string');
    const js = await fetch(`${baseUrl}${asset}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(js.status).to.equal(200);
    expect(js.headers.get('content-type')).to.match(/^text\/javascript/);
    expect(js.headers.get('cache-control')).to.equal('public, max-age=31536000, immutable');
    // API paths answer as before: JSON, not the page.
    const chats = await fetch(`${baseUrl}/chats`, { headers: { accept: 'text/html' } });
    expect(chats.status).to.equal(401);
    expect(chats.headers.get('content-type')).to.match(/^application\/json/);
    expect((await fetch(`${baseUrl}/assets/nope.js`)).status).to.equal(404);
    expect((await fetch(`${baseUrl}/assets/..%2Fpackage.json`)).status).to.equal(404);
  });

  it('registers Alice, Bob and Carol and logs them in as web clients', async () => {
    for (const name of ['alice', 'bob', 'carol'] as const) {
      const { page, username, password } = people[name];
      await page.goto('/');
      await page.waitForURL('**/app/login');
      if (name === 'alice') await screenshot(page, 'login');
      await page.getByRole('link', { name: 'Create an account' }).click();
      await page.getByLabel('Username').fill(username);
      await page.getByLabel('Password').fill(password);
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.waitForURL('**/app/chats');
      await page.locator(`[data-me="${username}"]`).waitFor();
      const clientTypes = await page.evaluate(() =>
        (Object.values({ ...localStorage }) as string[]).flatMap((value) => {
          try {
            const parsed = JSON.parse(value) as { clientType?: string };
            return parsed.clientType ? [parsed.clientType] : [];
          } catch {
            return [];
          }
        }),
      );
      expect(clientTypes).to.deep.equal(['web']);
    }
    await people.alice.page.getByText('No chats yet').waitFor();
  });

  it('Alice finds Bob and asks him to be friends; Bob accepts; both get the chat', async () => {
    const { alice, bob } = people;
    await alice.page.getByRole('link', { name: 'Friends' }).click();
    await alice.page.getByLabel('Username starts with').fill(bob.username);
    await alice.page.getByRole('button', { name: 'Search' }).click();
    await alice.page.getByRole('button', { name: `Add friend ${bob.username}` }).click();
    await alice.page.getByText(`Request sent to ${bob.username}.`).waitFor();

    await bob.page.getByRole('link', { name: 'Friends' }).click();
    await bob.page.getByRole('button', { name: `Accept ${alice.username}` }).click();
    await bob.page.locator(`[data-friend="${alice.username}"]`).waitFor();
    await screenshot(bob.page, 'friends');
    await bob.page.getByRole('button', { name: `Message ${alice.username}` }).click();
    await bob.page.waitForURL('**/app/chats/*');
    directChatId = bob.page.url().split('/').pop() ?? '';

    await alice.page.getByRole('link', { name: /^Chats/ }).click();
    await alice.page.locator(`[data-chat-id="${directChatId}"]`).waitFor();
  });

  it('Alice and Bob chat: optimistic send, markdown rendered as elements, unread counts, typing', async () => {
    const { alice, bob } = people;
    await alice.page.locator(`[data-chat-id="${directChatId}"] a`).click();
    const aliceBox = alice.page.getByLabel('Message', { exact: true });
    const bobTimeline = bob.page.getByRole('list', { name: 'Messages' });

    // Typing reaches the other side.
    await aliceBox.pressSequentially('hel');
    await bob.page.locator('[data-typing]').waitFor();

    await aliceBox.fill('');
    for (let i = 0; i < 12; i++) {
      const text = `ping ${i} ${randomBytes(3).toString('hex')}`;
      await aliceBox.fill(text);
      const latency = await measureRender(alice.page, bob.page, text);
      latencies.push(latency);
    }

    // Markdown: elements, never HTML from the text.
    await alice.page.getByLabel('Message kind').first().selectOption('markdown');
    await aliceBox.fill('**bold** and `code` and [a link](https://example.com) <img src=x onerror=alert(1)>');
    await aliceBox.press('Enter');
    // Raw HTML is refused by the api: the send fails and offers retry.
    await alice.page.locator('[data-pending="failed"]').waitFor();
    await alice.page.getByRole('button', { name: 'Discard' }).click();
    await aliceBox.fill('**bold** and `code` and [a link](https://example.com), as 1 < 2');
    await aliceBox.press('Enter');
    const strong = bobTimeline.locator('.md strong', { hasText: 'bold' });
    await strong.waitFor();
    expect(await bobTimeline.locator('.md a[href="https://example.com"][rel~="noopener"]').count()).to.equal(1);
    expect(await bobTimeline.locator('.md code', { hasText: 'code' }).count()).to.equal(1);
    await alice.page.getByLabel('Message kind').first().selectOption('text');

    // Bob replies; Alice, on another screen, sees the unread count in the list.
    await alice.page.getByRole('link', { name: 'Friends' }).click();
    // The chat is off Alice's screen before Bob writes: a message arriving while it is shown is read.
    await aliceBox.waitFor({ state: 'detached' });
    const bobBox = bob.page.getByLabel('Message', { exact: true });
    await bobBox.fill('hi Alice, got them all');
    await bobBox.press('Enter');
    await alice.page.getByRole('link', { name: /^Chats/ }).click();
    await alice.page.locator(`[data-chat-id="${directChatId}"] [data-unread="1"]`).waitFor();
    await screenshot(alice.page, 'chat-list');
    await alice.page.locator(`[data-chat-id="${directChatId}"] a`).click();
    await alice.page.locator(`[data-chat-id="${directChatId}"] [data-unread]`).waitFor({ state: 'detached' });
    // Bob sees that Alice read it.
    await bob.page.locator('.seen').waitFor();
    await screenshot(bob.page, 'chat');
  });

  it('Alice searches her messages: matches listed with the words marked; a click opens the chat; Carol finds nothing', async () => {
    const { alice, carol } = people;
    await alice.page.getByRole('link', { name: /^Chats/ }).click();
    const box = alice.page.getByRole('searchbox', { name: 'Search messages' });
    await box.fill('got them');
    await box.press('Enter');
    const results = alice.page.getByRole('list', { name: 'Messages matching got them' });
    await results.locator('mark').first().waitFor();
    expect(await results.locator('li').count()).to.equal(1);
    expect(await results.locator('mark').allTextContents()).to.deep.equal(['got', 'them']);
    expect(await results.locator('.last').textContent()).to.equal('hi Alice, got them all');
    await screenshot(alice.page, 'search');
    await results.locator('a').click();
    await alice.page.waitForURL(`**/app/chats/${directChatId}`);
    await alice.page.getByRole('button', { name: 'Close' }).click();
    await alice.page.locator(`[data-chat-id="${directChatId}"]`).waitFor();

    const carolBox = carol.page.getByRole('searchbox', { name: 'Search messages' });
    await carolBox.fill('got them');
    await carolBox.press('Enter');
    await carol.page.getByRole('list', { name: 'Messages matching got them' }).getByText('No messages match.').waitFor();
  });

  it('measures the chat screen’s time to interactive (printed, not asserted)', async () => {
    const { alice } = people;
    const times: number[] = [];
    // Interactive: the history is on screen and the composer takes input, as the page itself sees it.
    await alice.context.addInitScript(() => {
      const observer = new MutationObserver(() => {
        if (document.querySelector('li.msg[data-seq]') && document.querySelector('.chat-main textarea')) {
          window.interactiveAt = performance.now();
          observer.disconnect();
        }
      });
      document.addEventListener('DOMContentLoaded', () => observer.observe(document.body, { subtree: true, childList: true }));
    });
    const cdp = await alice.context.newCDPSession(alice.page);
    for (let i = 0; i < 3; i++) {
      await cdp.send('Network.clearBrowserCache'); // cold: every asset downloaded again
      await alice.page.goto(`/app/chats/${directChatId}`);
      await alice.page.locator('li.msg[data-seq]').first().waitFor();
      await alice.page.getByLabel('Message', { exact: true }).waitFor();
      times.push(await alice.page.evaluate(() => window.interactiveAt as number));
    }
    await cdp.detach();
    const sorted = [...times].sort((a, b) => a - b);
    console.log(`      chat screen time to interactive (cold cache): median ${sorted[1]?.toFixed(0)} ms of ${times.map((t) => t.toFixed(0)).join(', ')} ms`);
  });

  it('an image upload shows progress, then a thumbnail on both sides that opens in a lightbox', async () => {
    const { alice, bob } = people;
    const file = await testImage();
    await alice.page.evaluate(() => {
      const seen = (window.uploadSeen = { shown: false, max: 0, total: 0 });
      new MutationObserver(() => {
        const bar = document.querySelector('[data-upload] progress');
        if (!bar) return;
        seen.shown = true;
        seen.max = Math.max(seen.max, bar.value);
        seen.total = bar.max;
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    });
    await alice.page.locator('input[type="file"]').first().setInputFiles(file);
    const bobThumb = bob.page.locator('img[data-thumb]').last();
    await bobThumb.waitFor();
    await waitFor(async () => (await bobThumb.evaluate((img: any) => img.complete && img.naturalWidth > 0)) === true, 10_000);
    // The api's thumbnail (320 px wide), not the 1600 px original.
    const shown: { src: string; width: number } = await bobThumb.evaluate((img: any) => ({ src: img.currentSrc, width: img.naturalWidth }));
    expect(shown.src).to.match(/\/f\/fserv\/thumb\/file_[0-9A-Za-z]+\?w=320&sig=/);
    expect(shown.width).to.equal(320);
    const seen: { shown: boolean; max: number; total: number } = await alice.page.evaluate(() => window.uploadSeen);
    expect(seen.shown, 'the progress bar was shown').to.equal(true);
    expect(seen.total).to.be.greaterThan(0);
    await alice.page.locator('img[data-thumb]').last().waitFor();

    await bob.page.getByRole('button', { name: /^Open image/ }).last().click();
    const dialog = bob.page.getByRole('dialog');
    await dialog.waitFor();
    await screenshot(bob.page, 'lightbox');
    await bob.page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  it('a thumbnail whose signed link fails once (no answer) is asked for again and shown', async () => {
    const { alice, bob } = people;
    const thumbs = bob.page.locator('img[data-thumb]');
    const before = await thumbs.count();
    let dropped = 0;
    // Bob's first request for a signed link gets no answer; the next ones go through.
    await bob.page.route('**/fserv/link/**', (route) => (dropped++ === 0 ? route.abort('connectionreset') : route.continue()));
    try {
      await alice.page.locator('input[type="file"]').first().setInputFiles(await testImage());
      await waitFor(async () => (await thumbs.count()) === before + 1, 20_000);
      await waitFor(async () => (await thumbs.last().evaluate((img: any) => img.complete && img.naturalWidth > 0)) === true, 10_000);
      expect(dropped, 'the link was asked for again after the dropped request').to.be.greaterThan(1);
    } finally {
      await bob.page.unroute('**/fserv/link/**');
    }
  });

  it('a link the api refuses (404) is not asked for again: the image stays unshown', async () => {
    const { alice, bob } = people;
    let asked = 0;
    await bob.page.route('**/fserv/link/**', (route) => {
      asked++;
      return route.fulfill({ status: 404, contentType: 'application/json', body: JSON.stringify({ error: { code: 'not_found', message: 'No such file' } }) });
    });
    try {
      const loading = bob.page.locator('li.msg', { hasText: 'Loading image…' });
      const before = await loading.count();
      await alice.page.locator('input[type="file"]').first().setInputFiles(await testImage());
      await waitFor(async () => (await loading.count()) === before + 1, 20_000);
      // Past the first wait a failure that may pass gets (1 s).
      await new Promise((resolve) => setTimeout(resolve, 2500));
      expect(asked).to.equal(1);
    } finally {
      await bob.page.unroute('**/fserv/link/**');
    }
  });

  it('reactions and a recall reach the other side', async () => {
    const { alice, bob } = people;
    const text = `to recall ${randomBytes(3).toString('hex')}`;
    const box = alice.page.getByLabel('Message', { exact: true });
    await box.fill(text);
    await box.press('Enter');
    const onBob = bob.page.locator('li.msg', { hasText: text });
    await onBob.waitFor();

    // Bob reacts to Alice's message; Alice sees it.
    await onBob.hover();
    await onBob.getByRole('button', { name: 'Add reaction' }).click();
    await onBob.getByRole('button', { name: 'React 🎉' }).click();
    const onAlice = alice.page.locator('li.msg', { hasText: text });
    await onAlice.getByRole('button', { name: '🎉 1' }).waitFor();

    // Alice recalls it; Bob sees that it was recalled.
    const msgId = await onAlice.getAttribute('data-msg-id');
    await onAlice.hover();
    await onAlice.getByRole('button', { name: 'Recall message' }).click();
    await bob.page.locator(`li.msg[data-msg-id="${msgId}"][data-recalled="true"]`).waitFor();
    expect(await bob.page.locator(`li.msg[data-msg-id="${msgId}"]`).textContent()).to.include('recalled');
  });

  it('Alice edits her message in place and pins it; Bob sees the edit and the pin, then the unpin', async () => {
    const { alice, bob } = people;
    const text = `to edit ${randomBytes(3).toString('hex')}`;
    const box = alice.page.getByLabel('Message', { exact: true });
    await box.fill(text);
    await box.press('Enter');
    await bob.page.locator('li.msg', { hasText: text }).waitFor();
    const msgId = await alice.page.locator('li.msg', { hasText: text }).getAttribute('data-msg-id');
    const onAlice = alice.page.locator(`li.msg[data-msg-id="${msgId}"]`);

    await onAlice.hover();
    await onAlice.getByRole('button', { name: 'Edit message' }).click();
    const editor = onAlice.getByRole('textbox', { name: 'Edited text' });
    await editor.fill(`${text}, edited`);
    await editor.press('Enter');
    const onBob = bob.page.locator(`li.msg[data-msg-id="${msgId}"]`);
    await onBob.locator('.plain', { hasText: `${text}, edited` }).waitFor();
    await onBob.locator('.edited').waitFor();

    await bob.page.getByRole('button', { name: 'Pins' }).click();
    const bobPins = bob.page.getByRole('complementary', { name: 'Pinned messages' });
    await bobPins.getByText('Nothing is pinned in this chat.').waitFor();
    await onAlice.hover();
    await onAlice.getByRole('button', { name: 'Pin message' }).click();
    await bobPins.locator(`[data-pin-msg-id="${msgId}"]`, { hasText: `${text}, edited` }).waitFor();
    await screenshot(bob.page, 'pins');

    await alice.page.getByRole('button', { name: 'Pins' }).click();
    const alicePins = alice.page.getByRole('complementary', { name: 'Pinned messages' });
    await alicePins.locator(`[data-pin-msg-id="${msgId}"]`).getByRole('button', { name: /^Unpin/ }).click();
    await bobPins.getByText('Nothing is pinned in this chat.').waitFor();
    for (const person of [alice, bob]) await person.page.getByRole('button', { name: 'Pins' }).click();
  });

  it('a group with Carol: a manager mutes Bob and Bob’s composer says so', async () => {
    const { alice, bob, carol } = people;
    // Carol befriends Alice through the api (the UI flow is covered above).
    const aliceToken = await logIn(system.http, alice.username, alice.password);
    const carolToken = await logIn(system.http, carol.username, carol.password);
    const carolUid = (await system.http.get('/users/profile', { token: carolToken })).body.uid;
    const applied = await system.http.post('/friend/apply', { token: carolToken, json: { target_user_id: (await system.http.get('/users/profile', { token: aliceToken })).body.uid } });
    if (applied.body.status !== 'accepted') await system.http.post(`/friend/requests/${applied.body.request_id}/accept`, { token: aliceToken });

    await alice.page.getByRole('link', { name: 'Groups' }).click();
    await alice.page.getByLabel('Name', { exact: true }).fill('Weekend plans');
    await alice.page.getByRole('button', { name: 'Create group' }).click();
    await alice.page.waitForURL('**/app/groups/*');
    await alice.page.getByRole('button', { name: `Add ${bob.username}` }).click();
    await alice.page.locator(`[data-member="${bob.username}"]`).waitFor();
    await alice.page.getByRole('button', { name: `Add ${carol.username}` }).click();
    await alice.page.locator(`[data-member="${carol.username}"]`).waitFor();
    // Carol becomes a manager; the manager mutes Bob.
    await alice.page.getByRole('button', { name: `Make manager ${carol.username}` }).click();
    await alice.page.locator(`[data-member="${carol.username}"] .tag`, { hasText: 'manager' }).waitFor();
    const groupUrl = alice.page.url();
    await screenshot(alice.page, 'group');
    expect(carolUid).to.be.a('string');

    await carol.page.goto(groupUrl);
    await carol.page.getByRole('button', { name: `Mute ${bob.username}` }).click();
    await carol.page.getByText(`is muted.`).waitFor();

    await bob.page.getByRole('link', { name: /^Chats/ }).click();
    await bob.page.locator('.chat-item', { hasText: 'Weekend plans' }).locator('a').click();
    await bob.page.locator('[data-composer-disabled]', { hasText: 'You are muted' }).waitFor();
    await screenshot(bob.page, 'muted');
  });

  it('every main screen has no serious or critical accessibility violation', async () => {
    const { alice } = people;
    const screens = ['/app/chats', `/app/chats/${directChatId}`, '/app/friends', '/app/groups', '/app/notifications', '/app/profile'];
    const found: string[] = [];
    for (const url of screens) {
      await alice.page.goto(url);
      await alice.page.locator('[data-me]').waitFor();
      await alice.page.waitForTimeout(300); // let lists load
      for (const v of await seriousViolations(alice.page)) found.push(`${url}: ${v.id} (${v.impact}) ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
      if (url === '/app/profile') await screenshot(alice.page, 'profile');
      if (url === '/app/notifications') await screenshot(alice.page, 'notifications');
    }
    const anonymous = await newPerson(browser, baseUrl);
    await anonymous.page.goto('/app/login');
    await anonymous.page.getByLabel('Username').waitFor();
    for (const v of await seriousViolations(anonymous.page)) found.push(`/app/login: ${v.id} (${v.impact}) ${v.help}`);
    await anonymous.context.close();
    expect(found).to.deep.equal([]);
  });

  it('works at phone width: the list, then the chat with a way back', async () => {
    const { alice } = people;
    await alice.page.setViewportSize({ width: 380, height: 760 });
    await alice.page.goto('/app/chats');
    await alice.page.locator(`[data-chat-id="${directChatId}"] a`).click();
    await alice.page.getByLabel('Message', { exact: true }).waitFor();
    expect(await alice.page.locator('.chat-list-pane').isVisible()).to.equal(false);
    await screenshot(alice.page, 'phone-chat');
    await alice.page.getByRole('link', { name: '← Chats' }).click();
    await alice.page.locator(`[data-chat-id="${directChatId}"]`).waitFor();
    await alice.page.setViewportSize({ width: 1100, height: 760 });
  });

  it('the realtime node restarts mid-conversation: the banner says so, then every message appears once, in order', async () => {
    const { alice, bob } = people;
    await alice.page.goto(`/app/chats/${directChatId}`);
    await bob.page.goto(`/app/chats/${directChatId}`);
    await bob.page.locator('[data-connection="ready"]').waitFor({ state: 'attached' });
    await alice.page.locator('[data-connection="ready"]').waitFor({ state: 'attached' });

    const realtime = realtimePid(system);
    process.kill(realtime, 'SIGKILL');
    await bob.page.locator('[data-connection="reconnecting"], [data-connection="connecting"]').first().waitFor();
    await screenshot(bob.page, 'reconnecting');

    const texts = Array.from({ length: 6 }, (_, i) => `during restart ${i} ${randomBytes(2).toString('hex')}`);
    const box = alice.page.getByLabel('Message', { exact: true });
    for (const text of texts) {
      await box.fill(text);
      await box.press('Enter');
    }
    await bob.page.locator('[data-connection="ready"]').waitFor({ state: 'attached', timeout: 120_000 });
    await waitFor(async () => (await bob.page.locator('li.msg', { hasText: texts.at(-1)! }).count()) === 1, 60_000);
    const shown = await bob.page.locator('li.msg[data-seq]').evaluateAll((items) => items.map((item) => ({ seq: Number(item.getAttribute('data-seq')), text: item.textContent ?? '' })));
    for (const text of texts) expect(shown.filter((m) => m.text.includes(text)), text).to.have.length(1);
    const positions = texts.map((text) => shown.findIndex((m) => m.text.includes(text)));
    expect(positions).to.deep.equal([...positions].sort((a, b) => a - b));
    const seqs = shown.map((m) => m.seq);
    expect(seqs).to.deep.equal([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).to.equal(seqs.length);
  });

  it('a session that ends (every session of Bob signed out elsewhere) sends Bob to the login screen', async () => {
    const { bob } = people;
    const token = await logIn(system.http, bob.username, bob.password);
    expect((await system.http.post('/users/auth/logout_all', { token })).status).to.equal(204);
    await bob.page.waitForURL('**/app/login', { timeout: 20_000 });
    await bob.page.locator('[data-auth-notice]').waitFor();
  });
});

/** Alice sends what her box holds; the time until Bob's page shows it. */
async function measureRender(sender: Page, receiver: Page, text: string): Promise<number> {
  await receiver.evaluate((wanted) => {
    window.rendered = new Promise<number>((resolve) => {
      const observer = new MutationObserver(() => {
        for (const item of document.querySelectorAll('li.msg')) {
          if (item.textContent?.includes(wanted)) {
            observer.disconnect();
            return resolve(performance.timeOrigin + performance.now());
          }
        }
      });
      observer.observe(document.body, { subtree: true, childList: true, characterData: true });
    });
  }, text);
  const clicked = await sender.evaluate(() => {
    const at = performance.timeOrigin + performance.now();
    document.querySelector('.chat-main button[type="submit"]')?.click();
    return at;
  });
  const rendered: number = await receiver.evaluate(() => window.rendered);
  return rendered - clicked;
}

/** A 1600×1200 photo-like PNG (noise, so it does not compress to nothing). */
async function testImage(): Promise<string> {
  const dir = path.resolve('test/artifacts/web');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, 'upload.png');
  const raw = randomBytes(1600 * 1200 * 3);
  await writeFile(file, await sharp(raw, { raw: { width: 1600, height: 1200, channels: 3 } }).png({ compressionLevel: 1 }).toBuffer());
  return file;
}

/** The pid of the supervisor's realtime child. */
function realtimePid(system: RunningSystem): number {
  const lines = execFileSync('ps', ['--ppid', String(system.process.pid), '-o', 'pid=,args=']).toString().trim().split('\n');
  const line = lines.find((l) => l.includes('realtime/main.ts'));
  if (!line) throw new Error(`no realtime child in:\n${lines.join('\n')}`);
  return Number(line.trim().split(/\s+/)[0]);
}
