import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';

/**
 * Redis connections by role (BullMQ's production guidance):
 * - `command`: request paths (rate limits, tickets, caches); fails fast when Redis is down so the
 *   api answers 503 instead of hanging. Auto-pipelined (below).
 * - `producer`: BullMQ queue producers on request paths; fails fast like `command`, not pipelined.
 * - `worker`: BullMQ workers and queue producers that must block; retries forever.
 * - `state`: the workers' own commands (facts, deliveries, PUBLISH); retries forever. Auto-pipelined.
 * - `subscriber`: a dedicated pub/sub connection.
 * Auto-pipelining (ioredis) sends the commands issued in one event-loop turn in one write: the rate
 * limits of concurrent requests, or a send batch's gate reads and publishes, go out together. BullMQ's
 * connections never use it: its job commands are kept off shared pipelines. Nor does a cluster (below).
 *
 * Every Redis connection of the product is made here. With `REDIS_CLUSTER_NODES` set it is an ioredis
 * `Cluster` (which answers the same commands as `Redis`; code that must tell them apart asks
 * `isCluster`), else a single `Redis` at `REDIS_URL`. A cluster subscriber uses sharded pub/sub.
 */
export type RedisRole = 'command' | 'producer' | 'worker' | 'state' | 'subscriber';

export type RedisTarget = Pick<Config['redis'], 'url' | 'clusterNodes'> & { autoPipelining?: boolean };

const optionsByRole: Record<RedisRole, RedisOptions> = {
  command: { enableOfflineQueue: false, maxRetriesPerRequest: 1, enableAutoPipelining: true },
  producer: { enableOfflineQueue: false, maxRetriesPerRequest: 1 },
  worker: { maxRetriesPerRequest: null },
  state: { maxRetriesPerRequest: null, enableAutoPipelining: true },
  subscriber: { maxRetriesPerRequest: null },
};

export function createRedis(target: RedisTarget, role: RedisRole, log: Logger): Redis {
  const options = { ...optionsByRole[role] };
  // REDIS_AUTO_PIPELINING=false turns it off everywhere (on unless said).
  if (target.autoPipelining === false) options.enableAutoPipelining = false;
  const redis = target.clusterNodes ? createCluster(target.clusterNodes, role, options) : new Redis(target.url, { ...options, connectionName: `wetty-${role}`, lazyConnect: false });
  redis.on('error', (err: Error) => log.warn({ err: err.message, redisRole: role }, 'redis connection error'));
  return redis;
}

function createCluster(nodes: readonly { host: string; port: number }[], role: RedisRole, options: RedisOptions): Redis {
  const { enableOfflineQueue, enableAutoPipelining: _pipeliningIsOffInACluster, ...redisOptions } = options;
  const cluster = new Cluster([...nodes], {
    redisOptions: { ...redisOptions, connectionName: `wetty-${role}` },
    // Never auto-pipelined: after a failover, ioredis 6 follows MOVED for a pipeline only when every
    // command in it failed alike; any other pipeline to the old master (one holding a PUBLISH, which
    // any node answers) hands MOVED to its callers, and the slot map is never refreshed.
    enableAutoPipelining: false,
    // Command connections fail fast while no node answers; the others queue until the cluster is back.
    enableOfflineQueue: enableOfflineQueue ?? true,
    // A failover moves slots: follow MOVED at once and retry commands that hit a node going down.
    retryDelayOnFailover: 200,
    retryDelayOnClusterDown: 300,
    retryDelayOnTryAgain: 200,
    maxRedirections: 32,
    slotsRefreshTimeout: 2000,
    shardedSubscribers: role === 'subscriber',
    // A sharded subscriber learns that its shard failed over only from the old master's unsolicited
    // SUNSUBSCRIBE, which makes ioredis refresh the slot map once, right away: when the node it asks
    // has not yet heard of the new master, the map looks unchanged and the subscriptions are never
    // renewed. Refreshing the map on a timer renews them on the new master within this delay.
    ...(role === 'subscriber' ? { slotsRefreshInterval: SUBSCRIBER_SLOTS_REFRESH_MS } : {}),
  });
  // Commands are typed alike; the few differences are behind `isCluster`.
  return cluster as unknown as Redis;
}

/**
 * How soon a cluster subscriber notices that its shard failed over, at worst. Each refresh costs one
 * CLUSTER SLOTS on a fresh connection and ≈ 10 ms of the process's CPU (the slot map is rebuilt).
 */
const SUBSCRIBER_SLOTS_REFRESH_MS = 2000;

export function isCluster(redis: Redis): boolean {
  return (redis as unknown as { isCluster?: boolean }).isCluster === true;
}

/** The master nodes of a cluster, or the one connection itself (for SCAN-like work done per node). */
export function masterNodes(redis: Redis): Redis[] {
  return isCluster(redis) ? (redis as unknown as Cluster).nodes('master') : [redis];
}

/** Resolves once the connection is ready, so a process does not report ready before Redis is. */
export async function waitForRedis(redis: Redis): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const onReady = () => { cleanup(); resolve(); };
    const onEnd = () => { cleanup(); reject(new Error('redis connection ended before it was ready')); };
    const cleanup = () => { redis.off('ready', onReady); redis.off('end', onEnd); };
    redis.once('ready', onReady);
    redis.once('end', onEnd);
  });
}
