import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { createDb, type Db } from '../../shared/db/knex.ts';
import { browserSubscription, startWebPushService, type LocalService } from '../support/push-services.ts';
import { befriend } from '../support/social.ts';
import { startSystem, waitFor, type RunningSystem } from '../support/system.ts';
import { signUp } from '../support/users.ts';
import { connectWs, type Frame, type WsConnection } from '../support/ws-client.ts';

const MARKER = 'crash-here-after-commit';

/**
 * A worker SIGKILLed between committing a message and pushing it (`FAULT_CRASH_AFTER_COMMIT`, a test
 * only setting): the message must still reach every socket live, once. BullMQ will recover the job
 * as stalled much later (and its re-run finds the message stored); the push comes from the outbox
 * row committed with the message, delivered by the restarted worker's relay.
 */
describe('a worker killed between commit and push (real processes)', function () {
  this.timeout(90_000);
  let system: RunningSystem;
  let db: Db;
  let webPush: LocalService;
  const sockets: WsConnection[] = [];

  before(async () => {
    webPush = await startWebPushService();
    system = await startSystem({
      PUSH_DELAY_MS: '300',
      WEBPUSH_ALLOW_HTTP: 'true',
      SUPERVISOR_WORKERS: '1',
      FAULT_CRASH_AFTER_COMMIT: MARKER,
      API_JOB_WAIT_MS: '1500',
      OUTBOX_RELAY_AFTER_MS: '500',
      OUTBOX_RELAY_INTERVAL_MS: '200',
    });
    db = createDb({ url: String(system.env.DATABASE_URL), poolMax: 1 });
  });
  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.error(`system warnings and errors:\n${system.problems()}`);
    for (const ws of sockets.splice(0)) ws.close();
  });
  after(async () => {
    await db?.destroy();
    await system?.stop();
    await webPush?.close();
  });

  it('the message is pushed live exactly once to every device after the worker restarts', async () => {
    const [a, b] = [await signUp(system.http, { stem: 'crash' }), await signUp(system.http, { stem: 'crash' })];
    const chatId = await befriend(system.http, a, b);
    for (const user of [a, b]) sockets.push(await connectWs(`${system.wsUrl}?uid=${user.uid}&token=${user.token}`));
    await new Promise((resolve) => setTimeout(resolve, 150));

    const text = `${MARKER} ${randomBytes(4).toString('hex')}`;
    const res = await system.http.post(`/chats/${chatId}/messages`, { token: a.token, json: { client_generated_id: `c-${randomBytes(6).toString('hex')}`, message_type: 'text', message: text } });
    // The worker died before answering: the api says the send is queued.
    expect(res.status, JSON.stringify(res.body)).to.equal(202);
    await waitFor(() => system.output().includes('restarting'), 20_000);

    const isIt = (f: Frame) => f.event === 'on_message' && f.data.message === text;
    for (const ws of sockets) await ws.waitFor(isIt, 20_000);
    const rows = await db('messages').where({ chat_id: chatId });
    expect(rows).to.have.length(1);
    await waitFor(async () => Number((await db('outbox').count<{ n: string }[]>('* as n'))[0]?.n) === 0, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const ws of sockets) expect(ws.events(isIt)).to.have.length(1);
  });

  it('the offline push of the message is not lost either: the relay schedules it', async () => {
    const [a, b] = [await signUp(system.http, { stem: 'crash' }), await signUp(system.http, { stem: 'crash' })];
    const chatId = await befriend(system.http, a, b);
    const browser = browserSubscription(`${webPush.url}/push/${randomBytes(8).toString('hex')}`);
    const subscribed = await system.http.post('/users/push/subscriptions', { token: b.token, json: { kind: 'webpush', endpoint: browser.endpoint, keys: browser.keys } });
    expect(subscribed.status).to.equal(201);
    const restartsBefore = system.output().split('restarting').length;

    const text = `${MARKER} ${randomBytes(4).toString('hex')}`;
    const res = await system.http.post(`/chats/${chatId}/messages`, { token: a.token, json: { client_generated_id: `c-${randomBytes(6).toString('hex')}`, message_type: 'text', message: text } });
    expect(res.status, JSON.stringify(res.body)).to.equal(202);
    await waitFor(() => system.output().split('restarting').length > restartsBefore, 20_000);

    const path = new URL(browser.endpoint).pathname;
    await waitFor(() => webPush.received.some((r) => r.path === path), 30_000);
    const payload = browser.decrypt(webPush.received.find((r) => r.path === path)!.body);
    expect(payload).to.deep.include({ type: 'messages', chat_id: chatId, count: 1, preview: text });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(webPush.received.filter((r) => r.path === path)).to.have.length(1);
  });
});
