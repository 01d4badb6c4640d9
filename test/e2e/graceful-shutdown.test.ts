import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { createDb, type Db } from '../../shared/db/knex.ts';
import { pingJob } from '../../shared/queues/contracts.ts';
import { testDatabaseUrl, testEnv } from '../support/config.ts';
import { freePort, spawnRole, waitFor } from '../support/system.ts';

type Outcome = { username: string; status: number; connection: string | null; code?: string; retryAfter?: string | null } | { username: string; error: string };

/** Polls a /readyz until it answers 503 (true) or stops answering at all (false). */
async function sawNotReady(url: string): Promise<boolean> {
  for (;;) {
    const status = await fetch(url).then((r) => r.status, () => 0);
    if (status !== 200) return status === 503;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Registers one user; a failure to connect is returned as its error code, never thrown. */
async function register(baseUrl: string, username: string): Promise<Outcome> {
  try {
    const res = await fetch(`${baseUrl}/users/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: 'drain-password' }),
      signal: AbortSignal.timeout(10_000),
    });
    const body = (await res.json().catch(() => ({}))) as { error?: { code?: string } };
    return { username, status: res.status, connection: res.headers.get('connection'), code: body.error?.code, retryAfter: res.headers.get('retry-after') };
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause;
    return { username, error: cause?.code ?? String(err) };
  }
}

describe('graceful shutdown on SIGTERM (real processes)', function () {
  this.timeout(60_000);
  let db: Db;
  before(() => {
    db = createDb({ url: testDatabaseUrl(), poolMax: 2 });
  });
  after(() => db.destroy());

  // The clients are fetch's kept-alive connections, busy enough never to be idle: a request either
  // gets its full answer or is refused before it starts, and the api stops within a second or two.
  it('api: /readyz turns 503, requests in flight finish with Connection: close, later ones are refused, every 2xx has its row', async () => {
    const env = testEnv({ API_PORT: String(await freePort()), API_OPS_PORT: String(await freePort()), API_DRAIN_DELAY_SECONDS: '0.5', LOG_LEVEL: 'info' });
    const baseUrl = `http://127.0.0.1:${env.API_PORT}`;
    const api = await spawnRole('api/main.ts', env, `${baseUrl}/readyz`);
    const stem = `drain_${randomBytes(4).toString('hex')}`;
    const outcomes: Outcome[] = [];
    let exitedAt = 0;
    void api.exited.then(() => (exitedAt = Date.now()));
    let signalledTime = 0;

    // Eight clients register users back to back until the api has exited and refused them once.
    let n = 0;
    const client = async () => {
      for (;;) {
        const outcome = await register(baseUrl, `${stem}_${n++}`);
        outcomes.push(outcome);
        if ('error' in outcome) {
          if (exitedAt > 0) return;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }
    };
    const clients = Promise.all(Array.from({ length: 8 }, client));

    await waitFor(() => outcomes.filter((o) => 'status' in o).length >= 16, 20_000);
    const signalledAt = outcomes.length;
    signalledTime = Date.now();
    api.process.kill('SIGTERM');
    expect(await sawNotReady(`${baseUrl}/readyz`)).to.equal(true);
    expect(await api.exited, api.output()).to.equal(0);
    await clients;
    // 0.5 s of drain delay, then requests in progress finish (a registration takes a fraction of a second).
    expect(exitedAt - signalledTime, 'stops soon after the drain delay, not at the 10 s deadline').to.be.below(4_000);

    const answered = outcomes.filter((o) => 'status' in o);
    const accepted = answered.filter((o) => o.status === 201);
    const refusedBeforeStart = answered.filter((o) => o.status === 503);
    expect(answered.filter((o) => o.status !== 201 && o.status !== 503), 'no other answer').to.deep.equal([]);
    expect(refusedBeforeStart.filter((o) => o.code !== 'unavailable' || o.retryAfter === null || o.connection !== 'close'), 'refusals are 503 unavailable, Retry-After, Connection: close').to.deep.equal([]);
    expect(accepted.some((o) => o.connection === 'close'), 'requests in progress at the close are answered with Connection: close').to.equal(true);
    const refused = outcomes.filter((o): o is { username: string; error: string } => 'error' in o);
    expect(outcomes.slice(signalledAt).some((o) => 'status' in o && o.status === 201), 'requests during the drain delay are still served').to.equal(true);
    // Cut keep-alive connections may also surface as a reset before the listener is gone; never as an HTTP error.
    expect(new Set(refused.map((o) => o.error))).to.satisfy((codes: Set<string>) => [...codes].every((c) => ['ECONNREFUSED', 'ECONNRESET', 'UND_ERR_SOCKET'].includes(c)));
    expect(refused.at(-1)?.error).to.equal('ECONNREFUSED');

    const rows = await db('users').where('username', 'like', `${stem}\\_%`).pluck('username');
    expect([...rows].sort()).to.deep.equal(accepted.map((o) => o.username).sort());
    expect(api.output()).to.contain('in-flight requests finished');
  });

  it('workers: stop taking jobs, finish the ones in progress, leave the rest queued for the next worker', async () => {
    const env = testEnv({ WORKER_OPS_PORT: String(await freePort()), WORKER_CONCURRENCY: '4', LOG_LEVEL: 'info' });
    const opsUrl = `http://127.0.0.1:${env.WORKER_OPS_PORT}`;
    const connection = new Redis(env.REDIS_URL as string, { maxRetriesPerRequest: null });
    const queue = new Queue(pingJob.queue, { connection, prefix: `${env.REDIS_PREFIX}:bull` });
    try {
      const jobs = await queue.addBulk(Array.from({ length: 20 }, () => ({ name: pingJob.name, data: { sent_at: new Date().toISOString(), work_ms: 400 } })));
      const first = await spawnRole('workers/main.ts', env, `${opsUrl}/readyz`);
      await waitFor(async () => (await queue.getActiveCount()) === 4, 10_000, 20);

      first.process.kill('SIGTERM');
      expect(await sawNotReady(`${opsUrl}/readyz`)).to.equal(true);
      expect(await first.exited, first.output()).to.equal(0);
      const afterFirst = await queue.getJobCounts('completed', 'active', 'failed', 'waiting', 'delayed');
      expect(afterFirst).to.deep.include({ active: 0, failed: 0, delayed: 0 });
      expect(afterFirst.completed).to.be.at.least(4);
      expect(afterFirst.waiting).to.be.at.least(1);
      expect((afterFirst.completed ?? 0) + (afterFirst.waiting ?? 0)).to.equal(20);

      const second = await spawnRole('workers/main.ts', env, `${opsUrl}/readyz`);
      await waitFor(async () => (await queue.getCompletedCount()) === 20, 20_000);
      second.process.kill('SIGTERM');
      expect(await second.exited).to.equal(0);
      for (const job of jobs) expect((await queue.getJob(job.id as string))?.returnvalue?.sent_at, job.id).to.equal(job.data.sent_at);
      expect(await queue.getFailedCount()).to.equal(0);
    } finally {
      await queue.close();
      await connection.quit();
    }
  });
});
