import { expect } from 'chai';
import type { Redis } from 'ioredis';
import { invalidate, readThrough } from '../../shared/access/fact-cache.ts';
import { createLogger } from '../../shared/logger.ts';
import { createRedis, waitForRedis } from '../../shared/redis/connections.ts';
import { deleteKeysWithPrefix } from '../../shared/redis/delete-prefix.ts';
import { redisKeys } from '../../shared/redis/keys.ts';
import { onChannelMessage, onResubscribed, publish, publishMany, subscribe } from '../../shared/redis/pubsub.ts';
import { addUsage, hitWindows, refundWindows, type LimitWindow } from '../../shared/redis/rate-limit.ts';
import { createPresence } from '../../realtime/presence.ts';
import { SocketLimits } from '../../realtime/socket-limits.ts';
import { StreamOrder } from '../../shared/webhooks/stream-order.ts';
import { testConfig, uniquePrefix } from '../support/config.ts';
import { waitFor } from '../support/system.ts';
import { startRedisCluster, type RedisClusterTopology } from '../support/topology.ts';

/**
 * Every multi-key use of Redis on a real Redis Cluster (3 masters, 3 replicas): rate-limit windows in
 * different slots, the fact cache, presence scripts, socket-limit refreshes, sharded pub/sub and
 * prefix cleanup. A command spanning slots would fail here with CROSSSLOT.
 */
describe('Redis Cluster: multi-key commands stay within a slot', function () {
  this.timeout(60_000);
  let cluster: RedisClusterTopology;
  let redis: Redis;
  let subscriber: Redis;
  const prefix = uniquePrefix();
  const keys = redisKeys(prefix);

  before(async () => {
    cluster = await startRedisCluster();
    const config = testConfig({ REDIS_CLUSTER_NODES: cluster.nodes, REDIS_PREFIX: prefix });
    const log = createLogger(config, 'cluster-test');
    redis = createRedis(config.redis, 'command', log);
    subscriber = createRedis(config.redis, 'subscriber', log);
    await Promise.all([waitForRedis(redis), waitForRedis(subscriber)]);
  });
  after(async () => {
    await Promise.allSettled([redis?.quit(), subscriber?.quit()]);
    await cluster?.stop();
  });

  it('rate limits: windows of different subjects count together, a refusal counts nowhere', async () => {
    const windows: LimitWindow[] = [
      { key: keys.rateLimit('login-pair', 'ann:1.2.3.4'), max: 5, windowSeconds: 60 },
      { key: keys.rateLimit('login-ip', '1.2.3.4'), max: 2, windowSeconds: 60 },
      { key: keys.rateLimit('login-user-fail', 'ann'), max: 5, windowSeconds: 60 },
    ];
    expect(await hitWindows(redis, windows)).to.deep.equal({ allowed: true });
    expect(await hitWindows(redis, windows)).to.deep.equal({ allowed: true });
    const refused = await hitWindows(redis, windows);
    expect(refused.allowed).to.equal(false);
    const counts = await Promise.all(windows.map((w) => redis.get(w.key)));
    expect(counts).to.deep.equal(['2', '2', '2']);
    await refundWindows(redis, windows);
    expect(await Promise.all(windows.map((w) => redis.get(w.key)))).to.deep.equal(['1', '1', '1']);
    expect((await addUsage(redis, { key: keys.rateLimit('upload-bytes', 'ann'), max: 100, windowSeconds: 60 }, 40)).total).to.equal(40);
  });

  it('the fact cache reads, fills and invalidates facts that live on different shards', async () => {
    const factKeys = Array.from({ length: 12 }, (_, i) => keys.chatFacts(String(i)));
    for (const [i, key] of factKeys.entries()) expect(await readThrough(redis, key, 60_000, async () => ({ i }))).to.deep.equal({ i });
    expect(await readThrough(redis, factKeys[3] as string, 60_000, async () => ({ i: 'stale' }))).to.deep.equal({ i: 3 });
    await invalidate(redis, [...factKeys, keys.pairFacts('a', 'b'), keys.memberFacts('1', 'u')]);
    expect(await readThrough(redis, factKeys[3] as string, 60_000, async () => ({ i: 'fresh' }))).to.deep.equal({ i: 'fresh' });
    // Read together (one MGET per slot): every fact found, the invalidated ones loaded afresh.
    const together = await Promise.all(factKeys.map((key, i) => readThrough(redis, key, 60_000, async () => ({ i, again: true }))));
    expect(together).to.deep.equal(factKeys.map((_, i) => (i === 3 ? { i: 'fresh' } : { i, again: true })));
    expect(await Promise.all(factKeys.map((key) => readThrough(redis, key, 60_000, async () => 'unused')))).to.deep.equal(together);
  });

  it('presence: online, renewal, sweep and offline run as scripts on one slot', async () => {
    const local = new Set(['u1', 'u2', 'u3']);
    const announced: string[] = [];
    const presence = createPresence({
      redis,
      keys,
      ttlMs: 60_000,
      log: createLogger(testConfig(), 'presence-test'),
      isLocal: (uid) => local.has(uid),
      localUsers: () => local,
      announce: async (uid, status) => void announced.push(`${uid}:${status}`),
    });
    try {
      for (const uid of local) await presence.sync(uid);
      await presence.tick();
      // A crashed node's users go offline on their own: every user set expires.
      for (const uid of local) expect(await redis.pttl(keys.presence(uid)), uid).to.be.within(1, 60_000);
      local.delete('u2');
      await presence.sync('u2');
      expect(announced.sort()).to.deep.equal(['u1:online', 'u2:offline', 'u2:online', 'u3:online']);
    } finally {
      presence.stop();
    }
  });

  it('socket limits: admitting and refreshing sockets of many users', async () => {
    const limits = new SocketLimits<object>(redis, keys, { perNode: 5, total: 2, frameRate: { max: 10, windowSeconds: 10 } });
    const users = Array.from({ length: 10 }, (_, i) => `user${i}`);
    for (const uid of users) expect(await limits.admit({}, uid)).to.equal(true);
    await limits.admit({}, 'user0');
    expect(await limits.admit({}, 'user0')).to.equal(false);
    await limits.refresh();
    expect(await redis.zcard(keys.userSockets('user5'))).to.equal(1);
  });

  it('sharded pub/sub carries messages of channels on every shard', async () => {
    const channels = Array.from({ length: 9 }, (_, i) => keys.userChannel(`sub${i}`));
    const received = new Map<string, string>();
    onChannelMessage(subscriber, (channel, message) => received.set(channel, message));
    await subscribe(subscriber, channels);
    await publishMany(redis, channels.map((channel) => ({ channel, message: `to ${channel}` })));
    await waitFor(() => received.size === channels.length, 5000);
    for (const channel of channels) expect(received.get(channel)).to.equal(`to ${channel}`);
  });

  it("after a failover, the workers' and the api's connections follow MOVED for commands issued together", async function () {
    this.timeout(60_000);
    const config = testConfig({ REDIS_CLUSTER_NODES: cluster.nodes, REDIS_PREFIX: prefix });
    const log = createLogger(config, 'cluster-test');
    const connections = [createRedis(config.redis, 'state', log), createRedis(config.redis, 'command', log)];
    try {
      await Promise.all(connections.map((c) => waitForRedis(c)));
      const key = keys.rateLimit('moved', 'together');
      for (const c of connections) await c.set(key, 'before');
      await cluster.failover(key);
      // In one event-loop turn, to the old master: a PUBLISH (answered by any node) beside key commands
      // (answered MOVED). A pipeline mixing the two would hand MOVED to the callers.
      for (const c of connections) {
        const [published, set, read] = await Promise.all([c.publish(key, 'x'), c.set(key, 'after'), c.get(key)]);
        expect(published).to.be.a('number');
        expect([set, read]).to.deep.equal(['OK', 'after']);
      }
    } finally {
      await Promise.allSettled(connections.map((c) => c.quit()));
    }
  });

  it('sharded subscriptions follow repeated failovers of every shard, and the moves are announced', async function () {
    this.timeout(180_000);
    // One channel per shard.
    const channels: string[] = [];
    const masters = new Set<number>();
    for (let i = 0; channels.length < 3; i++) {
      const channel = keys.userChannel(`failover${i}`);
      const { master } = await cluster.shardOf(channel);
      if (masters.has(master)) continue;
      masters.add(master);
      channels.push(channel);
    }
    const received = new Set<string>();
    onChannelMessage(subscriber, (_channel, message) => received.add(message));
    let resubscribed = 0;
    onResubscribed(subscriber, () => resubscribed++);
    await subscribe(subscriber, channels);
    /** Publishes until the subscriber hears it: how long live delivery took to come back. */
    const liveAgain = async (channel: string, round: number) => {
      const started = Date.now();
      for (let i = 0; Date.now() - started < 8000; i++) {
        const message = `${round}:${i}`;
        await publish(redis, channel, message).catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, 100));
        if (received.has(message)) return Date.now() - started;
      }
      throw new Error(`after failover ${round}, ${channel} heard nothing for 8 s`);
    };
    // Each shard fails over four times (there and back, twice): a subscription left on the demoted
    // master shows as silence.
    const rounds = 12;
    const resumedMs: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const channel = channels[round % channels.length] as string;
      await cluster.failover(channel);
      resumedMs.push(await liveAgain(channel, round));
    }
    // Moves are announced with the resync notice, but not every failover is (runs here gave 10 and
    // fewer than 12 notices for 12 failovers, live delivery back within 0.1 s each time): the test asks
    // for at least one per shard.
    await waitFor(() => resubscribed >= channels.length, 5000);
    console.log(`      live delivery back after each of ${rounds} failovers in ${resumedMs.join(', ')} ms; ${resubscribed} resubscriptions announced`);
  });

  it('webhook order: places of many chats and endpoints are entered and read per slot', async () => {
    const order = new StreamOrder(redis, keys);
    const places = Array.from({ length: 24 }, (_, i) => ({ endpointId: `e${i % 3}`, stream: `chat-${i}`, outboxId: String(100 + i), position: 0, jobId: `job-${i}` }));
    expect(await order.enter(places)).to.deep.equal(places.map(() => true));
    const behind = places.map((p) => ({ ...p, outboxId: String(200 + Number(p.outboxId)), jobId: `${p.jobId}-next` }));
    expect(await order.enter(behind)).to.deep.equal(behind.map(() => false));
    expect(await order.heads([...places, ...behind])).to.deep.equal(places);
  });

  it('removes every key of a prefix on every master', async () => {
    await Promise.all(Array.from({ length: 30 }, (_, i) => redis.set(`${prefix}:cleanup:${i}`, '1')));
    expect(await deleteKeysWithPrefix(redis, prefix)).to.be.greaterThanOrEqual(30);
    expect(await redis.get(`${prefix}:cleanup:7`)).to.equal(null);
  });
});
