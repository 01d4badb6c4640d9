import type { JobState, Queue } from 'bullmq';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The job states reported by `wetty_queue_jobs`. */
export const REPORTED_JOB_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'failed', 'completed'] as const satisfies readonly JobState[];

const jobBuckets = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/**
 * BullMQ queues. Depth is read from Redis when Prometheus scrapes (`Queue.getJobCounts`), so it is
 * right even when no job moves; the rest is observed from Worker events in `workers/start-workers.ts`.
 * `depthOf` lists the queues whose depth this process reports (the workers role reports them all).
 */
export function queueMetrics(registry: Registry, depthOf: readonly Queue[] = []) {
  return {
    depth: new Gauge({
      name: 'wetty_queue_jobs',
      help: 'Jobs in each queue by state, read from Redis at scrape time',
      labelNames: ['queue', 'state'] as const,
      registers: [registry],
      async collect() {
        for (const queue of depthOf) {
          try {
            const counts = await queue.getJobCounts(...REPORTED_JOB_STATES);
            for (const state of REPORTED_JOB_STATES) this.set({ queue: queue.name, state }, counts[state] ?? 0);
          } catch {
            // Redis unreachable: leave the last values; /readyz and the redis metrics tell the story.
          }
        }
      },
    }),
    waitSeconds: new Histogram({
      name: 'wetty_job_wait_seconds',
      help: 'Time from a job becoming runnable (added, or its delay ended) to a worker starting its first attempt',
      labelNames: ['queue'] as const,
      buckets: jobBuckets,
      registers: [registry],
    }),
    processingSeconds: new Histogram({
      name: 'wetty_job_processing_seconds',
      help: 'Time a worker spent on one attempt of a job, by outcome (completed or failed)',
      labelNames: ['queue', 'outcome'] as const,
      buckets: jobBuckets,
      registers: [registry],
    }),
    failures: new Counter({
      name: 'wetty_job_failures_total',
      help: 'Failed job attempts; final="true" when the job will not be tried again',
      labelNames: ['queue', 'final'] as const,
      registers: [registry],
    }),
    retries: new Counter({
      name: 'wetty_job_retries_total',
      help: 'Attempts started for a job that had failed before (automatic backoff or an operator retry)',
      labelNames: ['queue'] as const,
      registers: [registry],
    }),
  };
}
