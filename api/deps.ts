import { QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { createUserState, type UserState } from '../shared/access/user-state.ts';
import { AuthCache } from '../shared/auth/auth-cache.ts';
import type { Config } from '../shared/config.ts';
import { createDb, type Db } from '../shared/db/knex.ts';
import type { Logger } from '../shared/logger.ts';
import { createMetrics, type Metrics, type MetricsOptions } from '../shared/metrics/metrics.ts';
import { closeQueues, createQueues, type Queues } from '../shared/queues/producer.ts';
import { createRedis, waitForRedis } from '../shared/redis/connections.ts';
import { redisKeys, type RedisKeys } from '../shared/redis/keys.ts';
import { openStorage } from '../shared/storage/create-storage.ts';
import type { FileStorage } from '../shared/storage/storage.ts';
import { vapidKeySource, type VapidKeys } from '../shared/push/vapid-keys.ts';

/** What the api's routes and services are handed. */
export interface ApiDeps {
  config: Config;
  db: Db;
  redis: Redis;
  keys: RedisKeys;
  queues: Queues;
  /** Completions of `messages` jobs, so a request can wait for the worker's answer. */
  messageEvents: QueueEvents;
  /** Completions of `media` jobs, so a thumbnail request can wait for one being made. */
  mediaEvents: QueueEvents;
  userState: UserState;
  /** Token checks remembered by this process; evicted on every session change. */
  authCache: AuthCache;
  log: Logger;
  metrics: Metrics;
  /** Where file bytes live (`FILE_STORAGE`). */
  storage: FileStorage;
  /** The VAPID key pair browsers subscribe with (made on first use when none is configured). */
  vapidKeys: () => Promise<VapidKeys>;
}

/**
 * Opens the api's connections. Called by a composition root (`api/main.ts`, or a test) only.
 * Tests leave out the Node process collectors (`{ processMetrics: false }`) and may bring their own
 * file storage; the configured driver is used otherwise. Storage is prepared here either way.
 */
export async function openApiDeps(
  config: Config,
  log: Logger,
  options: MetricsOptions & { storage?: FileStorage } = {},
): Promise<ApiDeps & { close(): Promise<void> }> {
  const { storage: given, ...metricsOptions } = options;
  const storage = await openStorage(config.files, given);
  const db = createDb(config.db);
  const redis = createRedis(config.redis.url, 'command', log);
  await waitForRedis(redis);
  const keys = redisKeys(config.redis.prefix);
  const queues = createQueues(redis, config.redis.prefix);
  const eventsConnection = createRedis(config.redis.url, 'worker', log);
  const subscriber = createRedis(config.redis.url, 'subscriber', log);
  const authCache = new AuthCache(db, keys.sessionChanges);
  await authCache.listen(subscriber, log);
  const messageEvents = new QueueEvents('messages', { connection: eventsConnection, prefix: `${config.redis.prefix}:bull` });
  await messageEvents.waitUntilReady();
  const mediaEventsConnection = createRedis(config.redis.url, 'worker', log);
  const mediaEvents = new QueueEvents('media', { connection: mediaEventsConnection, prefix: `${config.redis.prefix}:bull` });
  await mediaEvents.waitUntilReady();
  mediaEvents.setMaxListeners(0);
  // Every request waiting on a job listens here and on its queue: thousands at once is normal.
  messageEvents.setMaxListeners(0);
  for (const queue of Object.values(queues)) queue.setMaxListeners(0);
  // Without listeners BullMQ prints connection errors to stderr; the connection's own listener logs them.
  const onQueueError = (err: Error) => log.debug({ err: err.message }, 'queue connection error');
  for (const queue of Object.values(queues)) queue.on('error', onQueueError);
  messageEvents.on('error', onQueueError);
  return {
    config,
    db,
    redis,
    keys,
    queues,
    messageEvents,
    mediaEvents,
    userState: createUserState({ db, redis, keys }),
    authCache,
    log,
    metrics: createMetrics('api', metricsOptions),
    storage,
    vapidKeys: vapidKeySource(db, config.push.webPush.keys),
    close: async () => {
      await messageEvents.close();
      await mediaEvents.close();
      await closeQueues(queues);
      await Promise.allSettled([db.destroy(), redis.quit(), eventsConnection.quit(), mediaEventsConnection.quit(), subscriber.quit()]);
    },
  };
}
