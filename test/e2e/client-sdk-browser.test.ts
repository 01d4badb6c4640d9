import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { buildBrowserBundle } from '../../client/build/bundle-size.ts';
import { WettyClient, WettyError, type Message } from '../../client/src/index.ts';
import { launchChromium } from '../support/chromium-page.ts';
import { startSameOriginProxy } from '../support/same-origin-proxy.ts';
import { befriend } from '../support/social.ts';
import { freePort, startSystem, waitFor, type RunningSystem } from '../support/system.ts';
import { signUp } from '../support/users.ts';

/** What the page's globals look like from here. */
interface Browserish {
  received: string[];
  localStorage: { getItem(key: string): string | null };
}

/**
 * The browser bundle of the SDK (the one whose size we report) in headless Chromium: it logs in,
 * connects with a ticket, sends through the outbox (kept in localStorage) and receives in order,
 * chatting with a Node SDK client.
 */
describe('client SDK bundle in headless Chromium', function () {
  this.timeout(180_000);
  let system: RunningSystem;
  let browser: Browser;
  let proxy: Awaited<ReturnType<typeof startSameOriginProxy>>;
  let nodeClient: WettyClient | undefined;

  before(async function () {
    this.timeout(180_000);
    const port = await freePort();
    system = await startSystem({ CORS_ORIGINS: `http://127.0.0.1:${port}`, SUPERVISOR_READY_TIMEOUT_SECONDS: '150' }, { readyTimeoutMs: 170_000 });
    const { code } = await buildBrowserBundle();
    proxy = await startSameOriginProxy(system.http.baseUrl, {
      '/': { type: 'text/html', body: '<!doctype html><title>sdk</title><p>sdk test</p>' },
      '/wetty-client.js': { type: 'text/javascript', body: code },
    }, port);
    browser = await launchChromium();
  });
  after(async () => {
    nodeClient?.close();
    await browser?.close();
    await proxy?.close();
    await system?.stop();
  });

  it('sends and receives in seq order, with the session and outbox in localStorage', async () => {
    const [a, b] = [await signUp(system.http, { stem: 'web' }), await signUp(system.http, { stem: 'node' })];
    const chatId = await befriend(system.http, a, b);
    const page: Page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    await page.goto(proxy.url);

    const sent = await page.evaluate(
      async ({ username, password, chatId, wsUrl }) => {
        const sdk = await import('/wetty-client.js' as string);
        const client = new sdk.WettyClient({ baseUrl: (globalThis as unknown as { location: { origin: string } }).location.origin, wsUrl, tokenStore: sdk.localStorageTokenStore(), outboxStore: sdk.localStorageOutboxStore() });
        const w = globalThis as unknown as { received: string[]; client: unknown; states: string[] };
        w.received = [];
        w.states = [];
        w.client = client;
        client.on('message', (m: { seq: number; message: string }) => w.received.push(`${m.seq}:${m.message}`));
        client.on('state', (s: { state: string }) => w.states.push(s.state));
        await client.login({ username, password });
        const ready = new Promise((resolve) => client.on('ready', resolve));
        client.connect();
        await ready;
        await client.chats.list();
        const pendings = Array.from({ length: 10 }, (_, i) => client.chats.send(chatId, { message: `from the browser ${i}`, message_type: 'text' }));
        const immediate = pendings.map((p: { status: string; clientGeneratedId: string }) => ({ status: p.status, id: p.clientGeneratedId }));
        const results = await Promise.all(pendings.map((p: { done: Promise<{ ok: boolean }> }) => p.done));
        return { immediate, ok: results.map((r) => r.ok), clientType: client.clientType, storedSession: (globalThis as unknown as Browserish).localStorage.getItem('wetty.session') !== null };
      },
      { username: a.username, password: a.password, chatId, wsUrl: system.wsUrl },
    );
    expect(sent.immediate.every((p) => p.status === 'pending' && p.id.length > 0), 'optimistic: pending at once, with an id').to.equal(true);
    expect(sent.ok).to.deep.equal(Array(10).fill(true));
    expect(sent.clientType).to.equal('web');
    expect(sent.storedSession, 'session kept in localStorage').to.equal(true);

    nodeClient = new WettyClient({ baseUrl: system.http.baseUrl, wsUrl: system.wsUrl });
    const nodeReceived: Message[] = [];
    nodeClient.on('message', (m) => m.chat_id === chatId && nodeReceived.push(m));
    await nodeClient.login({ username: b.username, password: b.password });
    const ready = new Promise((resolve) => nodeClient?.on('ready', resolve));
    nodeClient.connect();
    await ready;
    await nodeClient.chats.history(chatId, { max: 1 });
    for (let i = 0; i < 10; i += 1) expect((await nodeClient.chats.send(chatId, { message: `from node ${i}`, message_type: 'text' }).done).ok).to.equal(true);

    await waitFor(async () => (await page.evaluate(() => (globalThis as unknown as Browserish).received.length)) >= 20, 30_000);
    const received = await page.evaluate(() => (globalThis as unknown as Browserish).received);
    expect(received.map((r) => Number(r.split(':')[0]))).to.deep.equal(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(received.slice(10).map((r) => r.slice(r.indexOf(':') + 1))).to.deep.equal(Array.from({ length: 10 }, (_, i) => `from node ${i}`));
    expect(nodeReceived.map((m) => m.seq), 'the node client got its own messages after the seeded history').to.deep.equal(Array.from({ length: 10 }, (_, i) => i + 11));
    expect(await page.evaluate(() => (globalThis as unknown as Browserish).localStorage.getItem('wetty.outbox')), 'the outbox is empty once everything is stored').to.equal(null);
    expect(pageErrors).to.deep.equal([]);
  });

  it('Node: typed errors, refused sends fail with their code, a revoked session surfaces as one auth state', async () => {
    const [a, b, c] = [await signUp(system.http, { stem: 'auth' }), await signUp(system.http, { stem: 'auth' }), await signUp(system.http, { stem: 'auth' })];
    const chatId = await befriend(system.http, a, b);
    const client = new WettyClient({ baseUrl: system.http.baseUrl, wsUrl: system.wsUrl, clientType: 'web' });
    try {
      const wrong = await client.login({ username: c.username, password: 'not the password' }).catch((error: unknown) => error);
      expect(wrong).to.be.instanceOf(WettyError);
      expect(wrong).to.include({ status: 401, code: 'invalid_credentials' });
      const taken = await client.register({ username: c.username, password: 'long enough password' }).catch((error: unknown) => error);
      expect(taken).to.include({ status: 409, code: 'username_taken' });

      await client.login({ username: c.username, password: c.password });
      const refused = client.chats.send(chatId, { message: 'not my chat', message_type: 'text' });
      expect(refused.status).to.equal('pending');
      const result = await refused.done;
      expect(result.ok).to.equal(false);
      if (!result.ok) expect([403, 404]).to.include(result.error.status);
      expect(client.pending()).to.deep.equal([]);

      const states: string[] = [];
      const auth: string[] = [];
      client.on('state', (change) => states.push(change.state));
      client.on('auth', (event) => auth.push(event.reason));
      const ready = new Promise((resolve) => client.on('ready', resolve));
      client.connect();
      await ready;
      // Another device ends every session of the user: the socket closes 4003.
      const other = await system.http.post('/users/auth/logout_all', { token: c.token });
      expect(other.status).to.equal(204);
      await waitFor(() => auth.length > 0, 20_000);
      expect(auth).to.deep.equal(['revoked']);
      expect(client.state).to.equal('auth_required');
      expect(client.session).to.equal(null);
      expect(states).to.include('auth_required');
    } finally {
      client.close();
    }
  });
});

