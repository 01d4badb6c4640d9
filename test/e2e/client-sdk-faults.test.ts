import { expect } from 'chai';
import { WettyClient, type Message, type PendingMessage, type SendResult } from '../../client/src/index.ts';
import { startPrivateRedis, type PrivateRedis } from '../support/private-redis.ts';
import { befriend, createGroup } from '../support/social.ts';
import { startSystem, waitFor, type RunningSystem } from '../support/system.ts';
import { signUp, type TestUser } from '../support/users.ts';

/**
 * Two SDK clients chat through a realtime node kill, a worker kill and a Redis restart while they
 * send SDK_FAULT_MESSAGES messages (2,000 by default) into SDK_FAULT_CHATS chats (their direct chat
 * and small groups of the two; 4 by default). Every message must reach each
 * app callback exactly once, in seq order, and every optimistic send must settle. Redis is a private
 * redis-server on a spare port so that restarting it touches nothing else.
 */
describe('client SDK through faults (node kill, worker kill, Redis restart)', function () {
  this.timeout(600_000);
  const total = Number(process.env.SDK_FAULT_MESSAGES ?? 2000);
  const chatCount = Number(process.env.SDK_FAULT_CHATS ?? 4);
  const nodes = Number(process.env.SDK_FAULT_NODES ?? 2);
  let redis: PrivateRedis;
  let system: RunningSystem;
  const clients: WettyClient[] = [];

  before(async function () {
    this.timeout(180_000);
    redis = await startPrivateRedis();
    system = await startSystem({ REDIS_URL: redis.url, SUPERVISOR_WORKERS: process.env.SDK_FAULT_WORKERS ?? '2', SUPERVISOR_REALTIME_NODES: String(nodes), SUPERVISOR_READY_TIMEOUT_SECONDS: '150' }, { readyTimeoutMs: 170_000 });
  });
  after(async () => {
    for (const client of clients) client.close();
    await system?.stop();
    await redis?.stop();
  });
  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.error(`system warnings and errors:\n${system.problems().slice(-8000)}`);
  });

  const pidOf = async (opsUrl: string) => ((await (await fetch(`${opsUrl}/healthz`)).json()) as { pid: number }).pid;
  const connectionsOf = async (node: number) => ((await (await fetch(`${system.realtimeOpsUrl(node)}/healthz`)).json()) as { connections: number }).connections;

  it('delivers every message exactly once, in seq order, and settles every send', async () => {
    const [a, b] = [await signUp(system.http, { stem: 'sdka' }), await signUp(system.http, { stem: 'sdkb' })];
    // The direct chat and a few small groups of the two: each client sends into every chat at once.
    const chatIds = [await befriend(system.http, a, b)];
    while (chatIds.length < chatCount) chatIds.push((await createGroup(system.http, a, [b], { name: `sdk faults ${chatIds.length}` })).chat_id);

    interface Side {
      user: TestUser;
      client: WettyClient;
      seqs: Map<string, number[]>;
      duplicates: number;
      outOfOrder: number;
      arrivals: Map<string, number>;
      deliveredAt: number[];
    }
    const sides: Side[] = [];
    for (const user of [a, b]) {
      const client = new WettyClient({ baseUrl: system.http.baseUrl, wsUrl: system.wsUrl, clientType: 'mobile', backoff: { baseMs: 200, maxMs: 3000 } });
      clients.push(client);
      await client.login({ username: user.username, password: user.password });
      const side: Side = { user, client, seqs: new Map(chatIds.map((id) => [id, []])), duplicates: 0, outOfOrder: 0, arrivals: new Map(), deliveredAt: [] };
      const seen = new Set<string>();
      client.on('message', (m: Message) => {
        const list = side.seqs.get(m.chat_id);
        if (!list) return;
        const key = `${m.chat_id}/${m.seq}`;
        if (seen.has(key)) side.duplicates += 1;
        else if (m.seq !== (list.at(-1) ?? 0) + 1) side.outOfOrder += 1;
        seen.add(key);
        list.push(m.seq);
        side.arrivals.set(m.client_generated_id, Date.now());
        side.deliveredAt.push(Date.now());
      });
      const ready = new Promise((resolve) => client.on('ready', resolve));
      client.connect();
      await ready;
      await client.chats.list();
      sides.push(side);
    }
    const [sideA, sideB] = sides as [Side, Side];

    // Each client sends its half spread over the chats, at most 5 unsettled per chat (a fast typist).
    const createdAt = new Map<string, { at: number; by: Side }>();
    const results: SendResult[] = [];
    let started = 0;
    const sendInto = async (side: Side, chatId: string, count: number) => {
      const window: PendingMessage[] = [];
      for (let i = 0; i < count; i += 1) {
        const pending = side.client.chats.send(chatId, { message: `${side.user.username} #${i}`, message_type: 'text' });
        createdAt.set(pending.clientGeneratedId, { at: Date.now(), by: side });
        started += 1;
        window.push(pending);
        if (window.length >= 5) results.push(await (window.shift() as PendingMessage).done);
      }
      for (const pending of window) results.push(await pending.done);
    };
    const perStream = total / 2 / chatCount;

    // Faults at a quarter, half and three quarters of the sends.
    const faults: { name: string; at: number }[] = [];
    const injectFaults = async () => {
      await waitFor(() => started >= total / 4, 300_000, 20);
      const node = nodes > 1 && (await connectionsOf(0)) === 0 ? 1 : 0;
      faults.push({ name: `realtime node ${node} SIGKILL`, at: Date.now() });
      process.kill(await pidOf(system.realtimeOpsUrl(node)), 'SIGKILL');
      await waitFor(() => started >= total / 2, 300_000, 20);
      faults.push({ name: 'worker 0 SIGKILL', at: Date.now() });
      process.kill(await pidOf(system.workerOpsUrl(0)), 'SIGKILL');
      await waitFor(() => started >= (total * 3) / 4, 300_000, 20);
      faults.push({ name: 'Redis restart (SIGKILL, empty)', at: Date.now() });
      await redis.restart(300);
    };
    const began = Date.now();
    await Promise.all([...sides.flatMap((side) => chatIds.map((chatId) => sendInto(side, chatId, perStream))), injectFaults()]);
    const sendSeconds = (Date.now() - began) / 1000;

    const stored = results.filter((r) => r.ok).length;
    const failed = results.filter((r) => !r.ok);
    const storedIn = (chatId: string) => results.filter((r) => r.ok && r.message.chat_id === chatId).length;
    const deliveredTo = (side: Side) => [...side.seqs.values()].reduce((sum, list) => sum + list.length, 0);
    await waitFor(() => deliveredTo(sideA) >= stored && deliveredTo(sideB) >= stored, 120_000, 50);
    await new Promise((resolve) => setTimeout(resolve, 500)); // anything late would be a duplicate

    // Recovery after each fault: until the first message created after it reached the other client,
    // and the longest silence of either app's message callback after it.
    const recoveries = faults.map((fault, i) => {
      const until = faults[i + 1]?.at ?? Number.POSITIVE_INFINITY;
      let firstNewMs = 0;
      let longestSilenceMs = 0;
      for (const side of sides) {
        const other = side === sideA ? sideB : sideA;
        let first: number | undefined;
        for (const [id, created] of createdAt) {
          if (created.by !== other || created.at < fault.at) continue;
          const arrived = side.arrivals.get(id);
          if (arrived !== undefined && (first === undefined || arrived < first)) first = arrived;
        }
        if (first !== undefined) firstNewMs = Math.max(firstNewMs, first - fault.at);
        let previous = fault.at;
        for (const at of side.deliveredAt.filter((t) => t >= fault.at && t < until)) {
          longestSilenceMs = Math.max(longestSilenceMs, at - previous);
          previous = at;
        }
      }
      return { fault: fault.name, firstNewMessageMs: firstNewMs, longestSilenceMs };
    });
    const figures = {
      chats: chatCount,
      sent: results.length,
      stored,
      failed: failed.length,
      failedCodes: [...new Set(failed.map((f) => (f.ok ? '' : f.error.code)))],
      deliveredToA: deliveredTo(sideA),
      deliveredToB: deliveredTo(sideB),
      duplicates: sideA.duplicates + sideB.duplicates,
      outOfOrder: sideA.outOfOrder + sideB.outOfOrder,
      sendSeconds,
      recoveries,
    };
    console.log(`      SDK fault run: ${JSON.stringify(figures, null, 2).replace(/\n/g, '\n      ')}`);

    expect(results).to.have.length(total);
    for (const f of failed) expect(f.ok ? '' : f.error.code, 'a failed send carries a code').to.be.a('string').and.not.equal('');
    expect(stored, `failed: ${JSON.stringify(figures.failedCodes)}`).to.equal(total);
    for (const side of sides) {
      expect(side.duplicates, 'duplicates').to.equal(0);
      expect(side.outOfOrder, 'out of order').to.equal(0);
      for (const chatId of chatIds) {
        expect(side.seqs.get(chatId), `every seq of ${chatId} once, in order`).to.deep.equal(Array.from({ length: storedIn(chatId) }, (_, i) => i + 1));
      }
    }
    expect(recoveries.every((r) => r.firstNewMessageMs > 0), 'a message sent after each fault arrived').to.equal(true);
  });
});
