import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { createDb, type Db } from '../../shared/db/knex.ts';
import { testDatabaseUrl, testEnv } from '../support/config.ts';
import { HttpClient } from '../support/http-client.ts';
import { startOwnRedis, type OwnRedis } from '../support/redis-server.ts';
import { befriend } from '../support/social.ts';
import { freePort, spawnRole, waitFor, type RunningRole } from '../support/system.ts';
import { signUp, type TestUser } from '../support/users.ts';

interface Attempt {
  cgid: string;
  status: number;
  code?: string;
  retryAfter?: string | null;
  error?: string;
}

/**
 * Redis restarted under a steady stream of sends, with the api and a worker as real processes on a
 * Redis of their own. While Redis is away the api answers 503 `unavailable` with Retry-After; it
 * never exits, and once Redis is back it serves again by itself. Every send answered 201/202 is
 * stored once, and a send refused with 503, retried with its id, is stored once too.
 */
describe('a Redis restart under load (real processes)', function () {
  this.timeout(240_000);
  let redis: OwnRedis;
  let api: RunningRole;
  let workers: RunningRole;
  let db: Db;

  before(async () => {
    redis = await startOwnRedis({ appendOnly: true });
    db = createDb({ url: testDatabaseUrl(), poolMax: 2 });
  });
  after(async () => {
    for (const role of [api, workers]) if (role && role.process.exitCode === null) role.process.kill('SIGTERM');
    await Promise.all([api?.exited, workers?.exited]);
    await redis.destroy();
    await db.destroy();
  });

  it('answers 503 with Retry-After while Redis is away, never exits, and recovers on its own', async () => {
    const env = testEnv({
      REDIS_URL: redis.url,
      API_PORT: String(await freePort()),
      API_OPS_PORT: String(await freePort()),
      WORKER_OPS_PORT: String(await freePort()),
      API_JOB_WAIT_MS: '1500',
    });
    const baseUrl = `http://127.0.0.1:${env.API_PORT}`;
    [api, workers] = await Promise.all([
      spawnRole('api/main.ts', env, `${baseUrl}/readyz`, 90_000),
      spawnRole('workers/main.ts', env, `http://127.0.0.1:${env.WORKER_OPS_PORT}/readyz`, 90_000),
    ]);
    const http = new HttpClient(baseUrl);
    const a: TestUser = await signUp(http, { stem: 'outage' });
    const b: TestUser = await signUp(http, { stem: 'outage' });
    const chatId = await befriend(http, a, b);

    const send = async (cgid: string): Promise<Attempt> => {
      try {
        const res = await fetch(`${baseUrl}/chats/${chatId}/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${a.token}` },
          body: JSON.stringify({ client_generated_id: cgid, message_type: 'text', message: cgid }),
          signal: AbortSignal.timeout(15_000),
        });
        const body = (await res.json()) as { error?: { code: string } };
        return { cgid, status: res.status, code: body.error?.code, retryAfter: res.headers.get('retry-after') };
      } catch (err) {
        const cause = (err as { cause?: { code?: string } }).cause;
        return { cgid, status: 0, error: cause?.code ?? String(err) };
      }
    };

    const attempts: Attempt[] = [];
    let running = true;
    const stem = randomBytes(4).toString('hex');
    let n = 0;
    const sender = async () => {
      while (running) {
        attempts.push(await send(`${stem}-${n++}`));
        // Refused sends come back at once: keep the loop from spinning while Redis is away.
        if (attempts.at(-1)?.status === 503) await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    const senders = Promise.all(Array.from({ length: 40 }, sender));

    const served = () => attempts.filter((x) => x.status === 201 || x.status === 202).length;
    const alive = () => {
      for (const role of [api, workers]) {
        if (role.process.exitCode !== null) throw new Error(`a process exited with ${role.process.exitCode}:\n${role.output().slice(-3000)}`);
      }
      return true;
    };
    for (let round = 0; round < 2; round++) {
      const before = served();
      await waitFor(() => alive() && served() >= before + 50, 60_000);
      await redis.stop('shutdown');
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await redis.start();
    }
    // Recovery: sends are stored again with nothing done by hand.
    const afterRestarts = served();
    await waitFor(() => alive() && attempts.slice(-40).every((x) => x.status === 201) && served() > afterRestarts + 100, 60_000);
    running = false;
    await senders;

    expect(api.process.exitCode, api.output().slice(-3000)).to.equal(null);
    expect(workers.process.exitCode, workers.output().slice(-3000)).to.equal(null);
    const unexpected = attempts.filter((x) => ![201, 202, 503].includes(x.status));
    expect(unexpected, 'only 201, 202 or 503').to.deep.equal([]);
    const refused = attempts.filter((x) => x.status === 503);
    expect(refused.length, 'some sends met Redis away').to.be.greaterThan(0);
    expect(refused.filter((x) => x.code !== 'unavailable' || !x.retryAfter), 'every 503 is `unavailable` with Retry-After').to.deep.equal([]);

    // A refused send retried with its id is stored once, like every accepted one.
    for (const x of refused) {
      const retried = await send(x.cgid);
      expect([201, 202], JSON.stringify(retried)).to.include(retried.status);
    }
    const expected = new Set(attempts.map((x) => x.cgid));
    await waitFor(async () => Number((await db('messages').where({ sender_uid: a.uid }).count<{ count: string }[]>('* as count'))[0]?.count) >= expected.size, 30_000, 200);
    const rows = await db('messages').where({ sender_uid: a.uid }).select('client_generated_id', 'seq');
    expect(rows.length).to.equal(expected.size);
    expect(new Set(rows.map((r: { client_generated_id: string }) => r.client_generated_id))).to.deep.equal(expected);
    const seqs = rows.map((r: { seq: string }) => Number(r.seq)).sort((x: number, y: number) => x - y);
    expect(seqs.at(-1), 'no seq gaps').to.equal(seqs.length);
  });
});
