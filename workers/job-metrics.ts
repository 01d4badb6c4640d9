import type { Job, Worker } from 'bullmq';
import type { Metrics } from '../shared/metrics/metrics.ts';

const seconds = (ms: number) => Math.max(0, ms) / 1000;

/** Feeds one Worker's events into the job series of `shared/metrics/queue.metrics.ts`. */
export function observeJobs(worker: Worker, queue: string, metrics: Metrics): void {
  const m = metrics.queues;
  worker.on('active', (job: Job) => {
    if (job.attemptsMade > 0) {
      m.retries.inc({ queue });
    } else if (job.processedOn !== undefined) {
      m.waitSeconds.observe({ queue }, seconds(job.processedOn - job.timestamp - (job.delay ?? 0)));
    }
  });
  worker.on('completed', (job: Job) => {
    if (job.processedOn !== undefined) m.processingSeconds.observe({ queue, outcome: 'completed' }, seconds((job.finishedOn ?? Date.now()) - job.processedOn));
  });
  worker.on('failed', (job: Job | undefined) => {
    if (!job) return;
    // BullMQ sets finishedOn only when the failure is final; a job with attempts left went back to wait or delayed.
    const final = typeof job.finishedOn === 'number';
    m.failures.inc({ queue, final: String(final) });
    if (job.processedOn !== undefined) m.processingSeconds.observe({ queue, outcome: 'failed' }, seconds(Date.now() - job.processedOn));
  });
}
