import { randomUUID } from 'node:crypto';
import { QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { createUserState, type UserState } from '../shared/access/user-state.ts';
import { AuthCache } from '../shared/auth/auth-cache.ts';
import type { Config } from '../shared/config.ts';
import { createDb, type Db } from '../shared/db/knex.ts';
import { createReadRouting, type ReadRouting } from '../shared/db/read-routing.ts';
import type { Logger } from '../shared/logger.ts';
import { createMetrics, type Metrics, type MetricsOptions } from '../shared/metrics/metrics.ts';
import { allQueues, closeQueues, createQueues, type Queues } from '../shared/queues/producer.ts';
import { physicalQueues, queueLayout } from '../shared/queues/layout.ts';
import { createRedis, waitForRedis } from '../shared/redis/connections.ts';
import { WindowCounter } from '../shared/redis/rate-limit.ts';
import { redisKeys, type RedisKeys } from '../shared/redis/keys.ts';
import { openStorage } from '../shared/storage/create-storage.ts';
import type { FileStorage } from '../shared/storage/storage.ts';
import { vapidKeySource, type VapidKeys } from '../shared/push/vapid-keys.ts';
import { SendBatcher } from './chats/send-batcher.ts';
import { SendReplyListener } from './chats/send-replies.ts';
import { settleDeliveredRows } from '../shared/effects/outbox.ts';

/** What the api's routes and services are handed. */
export interface ApiDeps {
  config: Config;
  /** The primary: every write, and every read that must see the latest state. */
  db: Db;
  /** Reads that tolerate replica lag (history, chat lists, search): `reads.readDb(uid)` picks the database. */
  reads: ReadRouting;
  redis: Redis;
  keys: RedisKeys;
  /** The per-user limits' counters in Redis: the hits of one turn of the event loop counted together. */
  rateLimits: WindowCounter;
  queues: Queues;
  /** Sends on their way to the workers, gathered into one job per queue partition, answered on this process's reply channel. */
  sendBatcher: SendBatcher;
  /** Completions of `message-actions` jobs by physical queue (one per partition), so a request can wait for the worker's answer. */
  actionEvents: ReadonlyMap<string, QueueEvents>;
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
  const redis = createRedis(config.redis, 'command', log);
  const producerRedis = createRedis(config.redis, 'producer', log);
  await Promise.all([waitForRedis(redis), waitForRedis(producerRedis)]);
  const keys = redisKeys(config.redis.prefix);
  const reads = createReadRouting({ primary: db, config: config.dbRead, redis, keyOf: keys.readYourWrites, log });
  const layout = queueLayout(config.redis);
  const queues = createQueues(producerRedis, layout);
  const subscriber = createRedis(config.redis, 'subscriber', log);
  const authCache = new AuthCache(db, keys.sessionChanges);
  await authCache.listen(subscriber, log);
  const sendReplies = await SendReplyListener.open(subscriber, keys.sendReplies(randomUUID()), log);
  const sendBatcher = new SendBatcher(queues, sendReplies, { ...config.api.sendBatch, replyWaitMs: config.api.jobWaitMs });
  // Each QueueEvents blocks on its own connection.
  const eventConnections: Redis[] = [];
  const openEvents = async (name: string, prefix: string) => {
    const connection = createRedis(config.redis, 'worker', log);
    eventConnections.push(connection);
    const events = new QueueEvents(name, { connection, prefix });
    await events.waitUntilReady();
    // Every request waiting on a job listens here: thousands at once is normal.
    events.setMaxListeners(0);
    return events;
  };
  // Sends are answered on the reply channel: nobody reads the `messages` queue's events.
  const actionEvents = new Map<string, QueueEvents>();
  for (const { name, queue, prefix } of physicalQueues(layout)) if (queue === 'message-actions') actionEvents.set(name, await openEvents(name, prefix));
  const media = physicalQueues(layout).find((q) => q.queue === 'media');
  if (!media) throw new Error('no media queue');
  const mediaEvents = await openEvents(media.name, media.prefix);
  for (const queue of allQueues(queues)) queue.setMaxListeners(0);
  // Without listeners BullMQ prints connection errors to stderr; the connection's own listener logs them.
  const onQueueError = (err: Error) => log.debug({ err: err.message }, 'queue connection error');
  for (const queue of allQueues(queues)) queue.on('error', onQueueError);
  for (const events of [...actionEvents.values(), mediaEvents]) events.on('error', onQueueError);
  return {
    config,
    db,
    reads,
    redis,
    keys,
    rateLimits: new WindowCounter(redis),
    queues,
    sendBatcher,
    actionEvents,
    mediaEvents,
    userState: createUserState({ db, redis, keys }),
    authCache,
    log,
    metrics: createMetrics('api', metricsOptions),
    storage,
    vapidKeys: vapidKeySource(db, config.push.webPush.keys),
    close: async () => {
      sendBatcher.flushAll();
      await Promise.all([...actionEvents.values(), mediaEvents].map((events) => events.close()));
      await closeQueues(queues);
      await settleDeliveredRows(db);
      await Promise.allSettled([db.destroy(), reads.close(), redis.quit(), producerRedis.quit(), subscriber.quit(), ...eventConnections.map((c) => c.quit())]);
    },
  };
}
