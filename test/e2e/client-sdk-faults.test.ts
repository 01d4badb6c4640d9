import { expect } from 'chai';
import { WettyClient, type Message, type PendingMessage, type SendResult } from '../../client/src/index.ts';
import { startPrivateRedis, type PrivateRedis } from '../support/private-redis.ts';
import { befriend } from '../support/social.ts';
import { startSystem, waitFor, type RunningSystem } from '../support/system.ts';
import { signUp, type TestUser } from '../support/users.ts';

/**
 * Two SDK clients chat through a realtime node kill, a worker kill and a Redis restart while they
 * send SDK_FAULT_MESSAGES messages (2,000 by default) into one chat. Every message must reach each
 * app callback exactly once, in seq order, and every optimistic send must settle. Redis is a private
 * redis-server on a spare port so that restarting it touches nothing else.
 */
describe('client SDK through faults (node kill, worker kill, Redis restart)', function () {
  this.timeout(240_000);
  const total = Number(process.env.SDK_FAULT_MESSAGES ?? 2000);
  let redis: PrivateRedis;
  let system: RunningSystem;
  const clients: WettyClient[] = [];

  before(async function () {
    this.timeout(180_000);
    redis = await startPrivateRedis();
    system = await startSystem({ REDIS_URL: redis.url, SUPERVISOR_WORKERS: '2', SUPERVISOR_REALTIME_NODES: '2' }, { readyTimeoutMs: 150_000 });
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
    const chatId = await befriend(system.http, a, b);

    interface Side {
      user: TestUser;
      client: WettyClient;
      seqs: number[];
      duplicates: number;
      outOfOrder: number;
      arrivals: Map<string, number>;
      states: string[];
    }
    const sides: Side[] = [];
    for (const user of [a, b]) {
      const client = new WettyClient({ baseUrl: system.http.baseUrl, wsUrl: system.wsUrl, clientType: 'mobile', backoff: { baseMs: 200, maxMs: 3000 } });
      clients.push(client);
      await client.login({ username: user.username, password: user.password });
      const side: Side = { user, client, seqs: [], duplicates: 0, outOfOrder: 0, arrivals: new Map(), states: [] };
      const seen = new Set<number>();
      client.on('message', (m: Message) => {
        if (m.chat_id !== chatId) return;
        if (seen.has(m.seq)) side.duplicates += 1;
        else if (m.seq !== (side.seqs.at(-1) ?? 0) + 1) side.outOfOrder += 1;
        seen.add(m.seq);
        side.seqs.push(m.seq);
        side.arrivals.set(m.client_generated_id, Date.now());
      });
      client.on('state', ({ state }) => side.states.push(state));
      const ready = new Promise((resolve) => client.on('ready', resolve));
      client.connect();
      await ready;
      await client.chats.list();
      sides.push(side);
    }
    const [sideA, sideB] = sides as [Side, Side];

    // Sending: each client sends half, at most 20 unsettled at a time (as a person typing fast would not).
    const createdAt = new Map<string, { at: number; by: Side }>();
    const results: SendResult[] = [];
    let started = 0;
    const sendAll = async (side: Side) => {
      const window: PendingMessage[] = [];
      for (let i = 0; i < total / 2; i += 1) {
        const pending = side.client.chats.send(chatId, { message: `${side.user.username} #${i}`, message_type: 'text' });
        createdAt.set(pending.clientGeneratedId, { at: Date.now(), by: side });
        started += 1;
        window.push(pending);
        if (window.length >= 20) results.push(await (window.shift() as PendingMessage).done);
        else await new Promise((resolve) => setTimeout(resolve, 2));
      }
      for (const pending of window) results.push(await pending.done);
    };

    // Faults at a quarter, half and three quarters of the sends.
    const faults: { name: string; at: number }[] = [];
    const injectFaults = async () => {
      await waitFor(() => started >= total / 4, 120_000, 20);
      const node = (await connectionsOf(0)) > 0 ? 0 : 1;
      faults.push({ name: `realtime node ${node} SIGKILL`, at: Date.now() });
      process.kill(await pidOf(system.realtimeOpsUrl(node)), 'SIGKILL');
      await waitFor(() => started >= total / 2, 120_000, 20);
      faults.push({ name: 'worker 0 SIGKILL', at: Date.now() });
      process.kill(await pidOf(system.workerOpsUrl(0)), 'SIGKILL');
      await waitFor(() => started >= (total * 3) / 4, 120_000, 20);
      faults.push({ name: 'Redis restart (SIGKILL, empty)', at: Date.now() });
      await redis.restart(300);
    };
    const began = Date.now();
    await Promise.all([sendAll(sideA), sendAll(sideB), injectFaults()]);
    const sendSeconds = (Date.now() - began) / 1000;

    const stored = results.filter((r) => r.ok).length;
    const failed = results.filter((r) => !r.ok);
    await waitFor(() => sideA.seqs.length >= stored && sideB.seqs.length >= stored, 60_000, 50);
    await new Promise((resolve) => setTimeout(resolve, 500)); // anything late would be a duplicate

    // Recovery: from each fault to the first message created after it reaching the other client.
    const recoveries = faults.map((fault) => {
      let worst = 0;
      for (const side of sides) {
        const other = side === sideA ? sideB : sideA;
        let first: number | undefined;
        for (const [id, created] of createdAt) {
          if (created.by !== other || created.at < fault.at) continue;
          const arrived = side.arrivals.get(id);
          if (arrived !== undefined && (first === undefined || arrived < first)) first = arrived;
        }
        if (first !== undefined) worst = Math.max(worst, first - fault.at);
      }
      return { fault: fault.name, recoveryMs: worst };
    });
    const figures = {
      sent: results.length,
      stored,
      failed: failed.length,
      failedCodes: [...new Set(failed.map((f) => (f.ok ? '' : f.error.code)))],
      deliveredToA: sideA.seqs.length,
      deliveredToB: sideB.seqs.length,
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
      expect(side.seqs, 'every seq once, in order').to.deep.equal(Array.from({ length: stored }, (_, i) => i + 1));
    }
    expect(recoveries.every((r) => r.recoveryMs > 0), 'a message sent after each fault arrived').to.equal(true);
  });
});
