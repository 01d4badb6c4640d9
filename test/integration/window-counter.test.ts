import { expect } from 'chai';
import { Redis } from 'ioredis';
import { hitWindows, WindowCounter, type LimitWindow } from '../../shared/redis/rate-limit.ts';
import { startPrivateRedis, type PrivateRedis } from '../support/private-redis.ts';

/** Scripts run (EVALSHA and EVAL) on the server so far. */
async function scriptCalls(redis: Redis): Promise<number> {
  const stats = await redis.info('commandstats');
  return [...stats.matchAll(/cmdstat_(?:evalsha|eval):calls=(\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
}

/**
 * The api's limit counters, on a Redis of the test's own (so every script call counted is ours): the
 * hits of one turn are counted by one script call, each hit all or nothing, in the order asked.
 */
describe('window counter: the hits of one turn counted together', () => {
  let server: PrivateRedis;
  let redis: Redis;
  let counter: WindowCounter;
  let n = 0;
  const window = (name: string, max: number, windowSeconds = 60): LimitWindow => ({ key: `wc:${n}:${name}`, max, windowSeconds });

  before(async () => {
    server = await startPrivateRedis();
    redis = new Redis(server.url);
    counter = new WindowCounter(redis);
    // The server learns the script on its first call (EVALSHA, then EVAL): counted calls start after.
    await counter.hit([{ key: 'wc:load', max: 1, windowSeconds: 1 }]);
  });
  beforeEach(() => {
    n++;
  });
  after(async () => {
    await redis.quit();
    await server.stop();
  });

  it('counts 8 hits of one turn with one script call: the first 5 pass a max of 5, the rest are refused with the window’s time left', async () => {
    const burst = window('burst', 5, 30);
    const before = await scriptCalls(redis);
    const results = await Promise.all(Array.from({ length: 8 }, () => counter.hit([burst])));
    expect(await scriptCalls(redis)).to.equal(before + 1);
    expect(results.map((r) => r.allowed)).to.deep.equal([true, true, true, true, true, false, false, false]);
    for (const refused of results.slice(5)) expect(refused).to.deep.equal({ allowed: false, retryAfterSeconds: 30 });
    expect(await redis.get(burst.key)).to.equal('5');
  });

  it('a hit refused by one of its windows counts in none of them; hits of other users in the turn are counted', async () => {
    const [burstA, sustainedA, burstB, sustainedB] = [window('a-burst', 10), window('a-sustained', 1), window('b-burst', 10), window('b-sustained', 10)];
    const results = await Promise.all([counter.hit([burstA, sustainedA]), counter.hit([burstA, sustainedA]), counter.hit([burstB, sustainedB], 3)]);
    expect(results.map((r) => r.allowed)).to.deep.equal([true, false, true]);
    expect(await redis.mget(burstA.key, sustainedA.key, burstB.key, sustainedB.key)).to.deep.equal(['1', '1', '3', '3']);
  });

  it('counts as hitWindows does: a cost above the max is refused, nothing or no cost passes without a call', async () => {
    const small = window('small', 2);
    const before = await scriptCalls(redis);
    expect(await counter.hit([])).to.deep.equal({ allowed: true });
    expect(await counter.hit([small], 0)).to.deep.equal({ allowed: true });
    expect(await scriptCalls(redis)).to.equal(before);
    expect((await counter.hit([small], 3)).allowed).to.equal(false);
    expect((await hitWindows(redis, [small], 3)).allowed).to.equal(false);
    expect((await counter.hit([small], 2)).allowed).to.equal(true);
    expect((await hitWindows(redis, [small])).allowed).to.equal(false);
  });

  it('a turn of more hits than one call takes is counted by as many calls as it needs, each hit as before', async () => {
    const big = window('big', 280);
    const before = await scriptCalls(redis);
    const results = await Promise.all(Array.from({ length: WindowCounter.MAX_HITS_PER_CALL + 44 }, () => counter.hit([big])));
    expect(await scriptCalls(redis)).to.equal(before + 2);
    expect(results.map((r) => r.allowed)).to.deep.equal([...Array<boolean>(280).fill(true), ...Array<boolean>(20).fill(false)]);
    expect(await redis.get(big.key)).to.equal('280');
  });

  it('hits of later turns are counted by calls of their own, and a failed call fails its own turn only', async () => {
    const each = window('each', 100);
    const before = await scriptCalls(redis);
    for (let i = 0; i < 3; i++) await Promise.all([counter.hit([each]), counter.hit([each])]);
    expect(await scriptCalls(redis)).to.equal(before + 3);
    expect(await redis.get(each.key)).to.equal('6');

    // A key that holds no counter makes the script fail: every hit of that turn fails (what the script
    // counted before it failed stays counted: Redis does not undo a script's writes).
    const notACounter = window('list', 100);
    await redis.rpush(notACounter.key, 'x');
    const failed = await Promise.allSettled([counter.hit([each]), counter.hit([notACounter])]);
    expect(failed.map((r) => r.status)).to.deep.equal(['rejected', 'rejected']);
    expect(await redis.get(each.key)).to.equal('7');
    expect((await counter.hit([each])).allowed).to.equal(true);
    expect(await redis.get(each.key)).to.equal('8');
  });
});
