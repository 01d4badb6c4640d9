import path from 'node:path';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { CloseCode } from '../../shared/contracts/close-codes.ts';
import { createDb, type Db } from '../../shared/db/knex.ts';
import { launchBrowser, newBrowserPage, serveStatic, staticFilesFrom, type StaticSite } from '../support/browser.ts';
import { befriend } from '../support/social.ts';
import { freePort, startSystem, waitFor, type RunningSystem } from '../support/system.ts';
import { uniqueUsername, type TestUser } from '../support/users.ts';

const TTL_SECONDS = 30;
const IDLE_SECONDS = 8;

interface PageState {
  token: string | null;
  uid: string | null;
  chatId: string | null;
  events: { event: string; data: Record<string, any> }[];
  closes: { code: number; reason: string }[];
  renders: { text: string; at: number }[];
  clicks: Record<string, number>;
  ready: Record<string, any> | null;
  reconnects: number;
  autoPing: boolean;
  autoReconnect: boolean;
  fetchErrors: string[];
  socket?: { close(): void };
}
type Call = { status: number; body: any; error?: string };
interface PageApi {
  call(method: string, path: string, options?: { token?: string | null; json?: unknown; query?: string }): Promise<Call>;
  connect(): Promise<{ ready?: Record<string, any>; closed?: { code: number; reason: string } }>;
  send(text: string): Promise<Call>;
  upload(options?: { viaQuery?: boolean; mode?: string }): Promise<Call>;
  showThumbnail(fid: string): Promise<{ width: number; height: number } | null>;
  register(username: string, password: string): Promise<Call>;
  login(username: string, password: string): Promise<Call>;
  refresh(): Promise<Call>;
}
declare const window: { wetty: PageApi; state: PageState };
declare const location: { search: string };

/**
 * The api and WebSocket from pages in real headless Chromium: a page on a second origin (in
 * CORS_ORIGINS) does everything a chat page does; a page on a third origin gets nothing and stores
 * nothing.
 */
describe('browser pages on other origins (headless Chromium)', function () {
  this.timeout(240_000);
  let system: RunningSystem;
  let browser: Browser;
  let allowed: StaticSite;
  let refused: StaticSite;
  let db: Db;
  const pages: Page[] = [];

  before(async function () {
    this.timeout(240_000);
    const files = await staticFilesFrom(path.resolve('test/fixtures/browser'), ['chat-page.html', 'chat-page.js']);
    allowed = await serveStatic(files, await freePort());
    refused = await serveStatic(files);
    system = await startSystem(
      { CORS_ORIGINS: allowed.origin, WEB_TOKEN_TTL_SECONDS: String(TTL_SECONDS), WS_IDLE_TIMEOUT_SECONDS: String(IDLE_SECONDS), SUPERVISOR_REALTIME_NODES: '2' },
      { readyTimeoutMs: 200_000 },
    );
    db = createDb({ url: system.env.DATABASE_URL as string, poolMax: 2 });
    browser = await launchBrowser();
  });
  afterEach(async () => {
    for (const page of pages.splice(0)) await page.context().close();
  });
  after(async () => {
    await browser?.close();
    await db?.destroy();
    await system?.stop();
    await allowed?.close();
    await refused?.close();
  });

  const openPage = async (site: StaticSite): Promise<Page> => {
    const { page } = await newBrowserPage(browser, `${site.origin}/chat-page.html?api=${encodeURIComponent(system.http.baseUrl)}`);
    pages.push(page);
    return page;
  };
  /** Registers and logs in from the page; answers the user as tests know them. */
  const signUpIn = async (page: Page, stem: string): Promise<TestUser> => {
    const username = uniqueUsername(stem);
    const password = `pw-${username}`;
    const registered = await page.evaluate(([u, p]) => window.wetty.register(u, p), [username, password] as const);
    expect(registered.status, JSON.stringify(registered)).to.equal(201);
    const login = await page.evaluate(([u, p]) => window.wetty.login(u, p), [username, password] as const);
    expect(login.status, JSON.stringify(login)).to.equal(200);
    return { uid: login.body.uid, username, password, token: login.body.token };
  };
  const stateOf = (page: Page) => page.evaluate(() => window.state);
  /** Two pages on the allowed origin, friends, both connected. */
  const chattingPair = async () => {
    const [alicePage, bobPage] = [await openPage(allowed), await openPage(allowed)];
    const alice = await signUpIn(alicePage, 'alice');
    const bob = await signUpIn(bobPage, 'bob');
    const chatId = await befriend(system.http, alice, bob);
    for (const page of [alicePage, bobPage]) {
      await page.evaluate((id) => {
        window.state.chatId = id;
      }, chatId);
      const connected = await page.evaluate(() => window.wetty.connect());
      expect(connected.ready, JSON.stringify(connected)).to.be.an('object');
    }
    return { alicePage, bobPage, alice, bob, chatId };
  };
  const clickSend = async (page: Page, text: string) => {
    await page.fill('#text', text);
    await page.click('#send');
  };

  it('registers, logs in, connects, sends with a click and renders what arrives (allowed origin)', async () => {
    const { alicePage, bobPage, bob } = await chattingPair();
    const ready = (await stateOf(bobPage)).ready ?? {};
    expect(ready).to.include({ uid: bob.uid, idle_timeout_ms: IDLE_SECONDS * 1000 });
    expect(ready.ping_interval_ms).to.be.a('number');
    expect(Date.parse(ready.session_expires_at)).to.be.above(Date.now());
    await clickSend(alicePage, 'hello from another origin');
    await bobPage.waitForSelector('#messages li:has-text("hello from another origin")', { timeout: 10_000 });
    // The page can read the exposed headers of an answer.
    const answer = await alicePage.evaluate(() => fetch(`${new URLSearchParams(location.search).get('api')}/users/profile`, { headers: { authorization: `Bearer ${window.state.token}` } }).then((r) => r.headers.get('x-request-id')));
    expect(answer).to.match(/^[0-9a-f-]{36}$/);
  });

  it('uploads an image (token in the header) and shows it by its thumbnail', async () => {
    const page = await openPage(allowed);
    await signUpIn(page, 'pic');
    const uploaded = await page.evaluate(() => window.wetty.upload());
    expect(uploaded.status, JSON.stringify(uploaded)).to.equal(201);
    expect(uploaded.body).to.include({ mime: 'image/png' });
    const shown = await page.evaluate((fid) => window.wetty.showThumbnail(fid), uploaded.body.fid as string);
    expect(shown).to.deep.equal({ width: 160, height: 120 });
  });

  it('gives a page on an origin not allowed nothing, and stores nothing for it', async () => {
    const page = await openPage(refused);
    const username = uniqueUsername('refused');
    const registered = await page.evaluate(([u]) => window.wetty.register(u, 'password-1'), [username] as const);
    expect(registered.status).to.equal(0); // the browser's "Failed to fetch"
    expect(await db('users').where({ username }).first()).to.equal(undefined);

    // A user of the allowed origin whose token the refused page somehow holds.
    const owner = await signUpIn(await openPage(allowed), 'victim');
    await page.evaluate(([token, uid]) => {
      window.state.token = token;
      window.state.uid = uid;
    }, [owner.token, owner.uid] as const);
    expect((await page.evaluate(() => window.wetty.call('GET', '/users/profile'))).status).to.equal(0);
    // A "simple" multipart POST (no preflight, opaque answer) with ?token=: refused before any byte is stored.
    const simple = await page.evaluate(() => window.wetty.upload({ viaQuery: true, mode: 'no-cors' }));
    expect(simple.status).to.equal(0);
    expect(await page.evaluate(() => window.wetty.upload({ viaQuery: true }))).to.include({ status: 0 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await db('files').where({ owner_uid: owner.uid })).to.have.length(0);

    // The WebSocket, even with a valid token, closes with 4004 and its reason.
    const closed = await page.evaluate(
      ([url]) =>
        new Promise<{ code: number; reason: string }>((resolve) => {
          const ws = new WebSocket(url as string);
          ws.onclose = (e) => resolve({ code: e.code, reason: e.reason });
        }),
      [`${system.apiWsUrl}?uid=${owner.uid}&token=${owner.token}`] as const,
    );
    expect(closed).to.deep.equal({ code: CloseCode.originNotAllowed, reason: 'origin not allowed' });
  });

  it('closes the socket with 4002 when the web session expires, and refuses the expired token with 4002', async () => {
    const page = await openPage(allowed);
    const user = await signUpIn(page, 'expiry');
    const connected = await page.evaluate(() => window.wetty.connect());
    const expiresAt = Date.parse(connected.ready?.session_expires_at);
    await waitFor(async () => (await stateOf(page)).closes.length > 0, (TTL_SECONDS + 10) * 1000, 250);
    expect((await stateOf(page)).closes[0]).to.deep.include({ code: CloseCode.sessionExpired, reason: 'session expired' });
    expect(Date.now()).to.be.at.least(expiresAt);
    const again = await page.evaluate(
      ([url]) => new Promise<number>((resolve) => { new WebSocket(url as string).onclose = (e) => resolve(e.code); }),
      [`${system.apiWsUrl}?uid=${user.uid}&token=${user.token}`] as const,
    );
    expect(again).to.equal(CloseCode.sessionExpired);
  });

  it('closes a silent socket with 4005 and a reason the page can read', async () => {
    const page = await openPage(allowed);
    await signUpIn(page, 'idle');
    await page.evaluate(() => {
      window.state.autoPing = false;
      window.state.autoReconnect = false;
    });
    await page.evaluate(() => window.wetty.connect());
    await waitFor(async () => (await stateOf(page)).closes.length > 0, (IDLE_SECONDS + 6) * 1000, 250);
    expect((await stateOf(page)).closes[0]).to.deep.include({ code: CloseCode.idleTimeout, reason: 'idle timeout' });
  });

  it('reconnects after its realtime node restarts, and receives again', async () => {
    const { alicePage, bobPage } = await chattingPair();
    // Which node holds Bob's socket: the one whose count grows when Bob connects again.
    const counts = async () => Promise.all([0, 1].map(async (i) => ((await (await fetch(`${system.realtimeOpsUrl(i)}/healthz`)).json()) as { connections: number; pid: number })));
    await bobPage.evaluate(() => window.state.socket?.close());
    await waitFor(async () => (await stateOf(bobPage)).closes.length === 1, 5000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const without = await counts();
    await bobPage.evaluate(() => window.wetty.connect());
    const holding = await counts();
    const target = holding.findIndex((c, i) => c.connections > (without[i]?.connections ?? 0));
    expect(target, JSON.stringify({ without, holding })).to.be.oneOf([0, 1]);
    process.kill((holding[target] as { pid: number }).pid, 'SIGTERM');
    await waitFor(async () => (await stateOf(bobPage)).closes.some((c) => c.code === CloseCode.nodeRestarting), 20_000, 100);
    await waitFor(async () => (await stateOf(bobPage)).events.filter((e) => e.event === 'on_ready').length >= 3, 60_000, 200);
    await clickSend(alicePage, 'after the restart');
    await bobPage.waitForSelector('#messages li:has-text("after the restart")', { timeout: 15_000 });
  });

  it('measures send click → render on the other page (50 messages; printed, not asserted)', async () => {
    const { alicePage, bobPage } = await chattingPair();
    const latencies: number[] = [];
    for (let i = 0; i < 50; i += 1) {
      // Sessions here last TTL_SECONDS: refresh them as a web client does (the sockets stay open).
      if (i % 10 === 9) for (const page of [alicePage, bobPage]) expect((await page.evaluate(() => window.wetty.refresh())).status).to.equal(200);
      const text = `latency ${i}`;
      await clickSend(alicePage, text);
      await bobPage.waitForFunction((t) => window.state.renders.some((r) => r.text === t), text, { timeout: 10_000, polling: 5 }).catch(async (err: Error) => {
        const [a, b] = [await stateOf(alicePage), await stateOf(bobPage)];
        throw new Error(`${err.message}; alice closes ${JSON.stringify(a.closes)} errors ${JSON.stringify(a.fetchErrors)}; bob closes ${JSON.stringify(b.closes)}`);
      });
      const clicked = await alicePage.evaluate((t) => window.state.clicks[t] ?? 0, text);
      const rendered = await bobPage.evaluate((t) => window.state.renders.find((r) => r.text === t)?.at ?? 0, text);
      latencies.push(rendered - clicked);
    }
    latencies.sort((a, b) => a - b);
    const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
    console.log(`      send click → render, 50 messages: median ${at(0.5).toFixed(1)} ms, p90 ${at(0.9).toFixed(1)} ms, max ${at(1).toFixed(1)} ms`);
    expect(latencies).to.have.length(50);
  });
});
