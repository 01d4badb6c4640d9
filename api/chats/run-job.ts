import type { JobsOptions } from 'bullmq';
import { AppError } from '../../shared/errors.ts';
import { readRefusal } from '../../shared/contracts/job-outcomes.ts';
import type { JobContract, JobData, JobResult } from '../../shared/queues/contracts.ts';
import { enqueue, queueFor } from '../../shared/queues/producer.ts';
import { JobFailedError, waitUntilFinished } from '../../shared/queues/wait-for-job.ts';
import type { ApiDeps } from '../deps.ts';

export type JobAnswer<T> = { done: true; value: T } | { done: false; jobId: string };

/** Retries with backoff for transient failures (database or Redis hiccups); refusals never retry. */
export const DURABLE: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 200 },
  removeOnComplete: { age: 3600, count: 100_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/**
 * Enqueues a `message-actions` job (a recall, a reaction, an edit) and waits a bounded time for the
 * worker's answer, parsed against the job's declared result. A refusal the worker declares
 * (shared/contracts/job-outcomes.ts) becomes that AppError; if the wait runs out the job is still
 * queued (or retrying) and will run, and the caller answers 202. A job that failed for good for
 * another reason is a server error, never 202.
 *
 * A finished failure answers that attempt only: the failed job is removed once read, so a retry with
 * the same id (after an unmute, an unblock, a new friendship, or a recovered outage) runs afresh
 * instead of being handed the old failure by BullMQ's job-id deduplication.
 */
export async function runMessageJob<C extends JobContract>(
  deps: ApiDeps,
  contract: C,
  data: JobData<C>,
  jobId: string,
): Promise<JobAnswer<JobResult<C>>> {
  const job = await enqueue(deps.queues, contract, data, { ...DURABLE, jobId });
  // The partition the job went to, and that partition's completions.
  const queue = queueFor(deps.queues, contract, data);
  const events = deps.actionEvents.get(queue.name);
  if (!events) throw new Error(`no completion events for queue "${queue.name}"`);
  let value: unknown;
  try {
    value = await waitUntilFinished(queue, job, events, deps.config.api.jobWaitMs);
  } catch (err) {
    // The wait ran out, or Redis went away while waiting: the job is stored and runs later.
    if (!(err instanceof JobFailedError)) return { done: false, jobId };
    // Another request for the same job may have removed it already.
    await queue.remove(jobId).catch(() => undefined);
    const refusal = readRefusal(err.reason);
    if (refusal) throw new AppError(refusal.status, refusal.code, refusal.message, refusal.details);
    throw err;
  }
  return { done: true, value: contract.result.parse(value) as JobResult<C> };
}
