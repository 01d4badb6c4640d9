import { sweepUploadsJob } from '../shared/queues/contracts.ts';
import type { Queues } from '../shared/queues/producer.ts';

export const SWEEP_UPLOADS_EVERY_MS = 10 * 60_000;

/**
 * Jobs that run on a schedule. Every worker process registers them at start; a scheduler is one per
 * id in Redis, so several workers register it once between them.
 */
export async function scheduleRecurringJobs(queues: Queues): Promise<void> {
  await queues[sweepUploadsJob.queue].upsertJobScheduler(sweepUploadsJob.name, { every: SWEEP_UPLOADS_EVERY_MS }, { name: sweepUploadsJob.name, data: {} });
}
