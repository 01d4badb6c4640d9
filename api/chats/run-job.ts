import type { JobsOptions } from 'bullmq';
import { AppError } from '../../shared/errors.ts';
import type { JobContract, JobData } from '../../shared/queues/contracts.ts';
import { enqueue } from '../../shared/queues/producer.ts';
import { waitUntilFinished } from '../../shared/queues/wait-for-job.ts';
import type { ApiDeps } from '../deps.ts';

export type JobAnswer<T> = { done: true; value: T } | { done: false; jobId: string };

/** Retries with backoff for transient failures (database or Redis hiccups); refusals never retry. */
const DURABLE: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 200 },
  removeOnComplete: { age: 3600, count: 100_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/**
 * Enqueues a `messages` job and waits a bounded time for the worker's answer. A refusal the worker
 * reports (JSON `{status, code, message}` as the failure) becomes that AppError; if the wait runs out
 * the job is still queued and will run, and the caller answers 202.
 *
 * A refusal answers that attempt only: the refused job is removed once read, so a retry with the
 * same id (after an unmute, an unblock, a new friendship) is gated afresh instead of being handed
 * the old refusal by BullMQ's job-id deduplication.
 */
export async function runMessageJob<C extends JobContract, T>(
  deps: ApiDeps,
  contract: C,
  data: JobData<C>,
  jobId: string,
): Promise<JobAnswer<T>> {
  const job = await enqueue(deps.queues, contract, data, { ...DURABLE, jobId });
  try {
    const value = (await waitUntilFinished(deps.queues[contract.queue], job, deps.messageEvents, deps.config.api.jobWaitMs)) as T;
    return { done: true, value };
  } catch (err) {
    const refusal = parseRefusal(err);
    if (refusal) {
      // Another request for the same job may have removed it already.
      await deps.queues[contract.queue].remove(jobId).catch(() => undefined);
      throw new AppError(refusal.status, refusal.code, refusal.message);
    }
    return { done: false, jobId };
  }
}

function parseRefusal(err: unknown): { status: number; code: string; message: string } | null {
  const text = err instanceof Error ? err.message : '';
  if (!text.startsWith('{')) return null;
  try {
    const parsed = JSON.parse(text) as { status?: unknown; code?: unknown; message?: unknown };
    if (typeof parsed.status === 'number' && typeof parsed.code === 'string') {
      return { status: parsed.status, code: parsed.code, message: typeof parsed.message === 'string' ? parsed.message : parsed.code };
    }
  } catch {
    // not a refusal: a transient failure still being retried
  }
  return null;
}
