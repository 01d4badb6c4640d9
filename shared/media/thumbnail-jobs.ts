import type { Job, JobsOptions } from 'bullmq';
import { makeThumbnailsJob } from '../queues/contracts.ts';
import { enqueue, type Queues } from '../queues/producer.ts';

/**
 * Retried with backoff on storage or database failures; removed once finished either way, so a
 * later request can enqueue the same fid again (the processor does nothing for a file already tried).
 */
const THUMBNAIL_JOB: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: true,
  removeOnFail: true,
};

/** Asks the media workers for a file's thumbnails; while one job for the fid is waiting or running, that job is answered. */
export function enqueueThumbnails(queues: Queues, fid: string): Promise<Job> {
  return enqueue(queues, makeThumbnailsJob, { fid }, { ...THUMBNAIL_JOB, jobId: `thumbs-${fid}` });
}
