import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { PushRetryError } from '../shared/push/providers/push-provider.ts';
import { deliverWebhookJob } from '../shared/queues/contracts.ts';
import { nextRetryDelay } from '../shared/webhooks/retry.ts';
import { partitionCount, physicalQueues, queueLayout } from '../shared/queues/layout.ts';
import type { WorkerDeps } from './deps.ts';
import { observeJobs } from './job-metrics.ts';
import { dispatcherFor, type Processor } from './processor.ts';

/**
 * Starts one BullMQ Worker per physical queue (every partition of a partitioned one); BullMQ derives
 * each worker's blocking connection from `connection`.
 */
export function startWorkers(deps: WorkerDeps, processors: readonly Processor[], connection: Redis) {
  const layout = queueLayout(deps.config.redis);
  const workers = physicalQueues(layout).map(({ name, queue, prefix }) => {
    const worker = new Worker(name, dispatcherFor(queue, processors, deps), {
      connection,
      prefix,
      // Thumbnails decode images: a few at a time, so they never starve the message path of CPU.
      // A partitioned queue's partitions share the queue's concurrency.
      concurrency: queue === 'media' ? deps.config.workers.mediaConcurrency : Math.ceil(deps.config.workers.concurrency / partitionCount(layout, queue)),
      // Custom backoffs: webhook deliveries retry until 24 h after their event (shared/webhooks/retry.ts);
      // pushes when the push service says (Retry-After).
      settings: { backoffStrategy: queue === 'webhooks' ? webhookBackoff : pushBackoff },
    });
    worker.on('failed', (job, err) => deps.log.warn({ queue, jobId: job?.id, job: job?.name, attempts: job?.attemptsMade, err: err.message }, 'job failed'));
    worker.on('error', (err) => deps.log.error({ queue, err: err.message }, 'worker error'));
    observeJobs(worker, queue, deps.metrics);
    return worker;
  });
  return {
    workers,
    /** Stops taking jobs and waits for the ones in progress to finish; unstarted jobs stay queued for the next worker. */
    close: () => Promise.all(workers.map((w) => w.close())).then(() => undefined),
  };
}

/**
 * The `push` backoff: when a push service said when to come back (`Retry-After`), then; else
 * exponential from 1 s with full jitter, at most 10 minutes.
 */
export function pushBackoff(attemptsMade: number, _type?: string, err?: Error): number {
  if (err instanceof PushRetryError && err.retryAfterMs !== null) return Math.min(err.retryAfterMs, 3600_000);
  return Math.round(Math.random() * Math.min(600_000, 1000 * 2 ** Math.max(0, attemptsMade - 1)));
}

/** The `webhook` backoff: a delivery's next delay, or -1 once its event's retry window is over. */
function webhookBackoff(attemptsMade: number, _type?: string, _err?: Error, job?: { data: unknown }): number {
  const parsed = deliverWebhookJob.schema.safeParse(job?.data);
  return parsed.success ? nextRetryDelay(attemptsMade, parsed.data.event.created_at) : -1;
}
