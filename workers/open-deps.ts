import { createUserState } from '../shared/access/user-state.ts';
import type { Config } from '../shared/config.ts';
import { createDb } from '../shared/db/knex.ts';
import type { Logger } from '../shared/logger.ts';
import { createMetrics, type MetricsOptions } from '../shared/metrics/metrics.ts';
import { createPushProviders } from '../shared/push/push-providers.ts';
import { allQueues, closeQueues, createQueues } from '../shared/queues/producer.ts';
import { queueLayout } from '../shared/queues/layout.ts';
import { createRedis, waitForRedis } from '../shared/redis/connections.ts';
import { redisKeys } from '../shared/redis/keys.ts';
import { openStorage } from '../shared/storage/create-storage.ts';
import type { FileStorage } from '../shared/storage/storage.ts';
import type { WorkerDeps } from './deps.ts';
import { Batcher } from './send/batcher.ts';
import { PendingWork } from './pending-work.ts';
import { sendBatch } from './send/send-pipeline.ts';
import { ReplyPublisher } from './send/reply-publisher.ts';
import { errorText, settleDeliveredRows } from '../shared/effects/outbox.ts';

/**
 * Opens the workers' connections. Called by a composition root (`workers/main.ts`, or a test) only.
 * The workers role reports the depth of every queue in its metrics. Tests may bring their own file
 * storage (the api's), as `openApiDeps` allows.
 */
export async function openWorkerDeps(
  config: Config,
  log: Logger,
  options: MetricsOptions & { storage?: FileStorage } = {},
): Promise<WorkerDeps & { close(): Promise<void> }> {
  const { storage: given, ...metricsOptions } = options;
  const storage = await openStorage(config.files, given);
  const db = createDb(config.db);
  const redis = createRedis(config.redis, 'state', log);
  const queueRedis = createRedis(config.redis, 'worker', log);
  await Promise.all([waitForRedis(redis), waitForRedis(queueRedis)]);
  const keys = redisKeys(config.redis.prefix);
  const queues = createQueues(queueRedis, queueLayout(config.redis));
  // Without listeners BullMQ prints connection errors to stderr; the connection's own listener logs them.
  for (const queue of allQueues(queues)) queue.on('error', (err: Error) => log.debug({ err: err.message }, 'queue connection error'));
  const push = createPushProviders(config.push, db);
  const deps: WorkerDeps & { close(): Promise<void> } = {
    config,
    db,
    redis,
    queueRedis,
    keys,
    queues,
    userState: createUserState({ db, redis, keys }),
    storage,
    sendBatcher: new Batcher((jobs) => sendBatch(deps, jobs), config.workers.sendBatch),
    sendReplies: new ReplyPublisher(redis),
    // The post-commit work of this many send batches at most runs behind their answers.
    deliveries: new PendingWork(64, (err) => log.error({ err: errorText(err) }, 'post-commit delivery failed unexpectedly')),
    push,
    log,
    metrics: createMetrics('workers', { ...metricsOptions, queueDepthOf: allQueues(queues) }),
    close: async () => {
      await deps.deliveries.settled();
      await closeQueues(queues);
      push.close();
      await settleDeliveredRows(db);
      await Promise.allSettled([db.destroy(), redis.quit(), queueRedis.quit()]);
    },
  };
  return deps;
}
