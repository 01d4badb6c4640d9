import type { EventEmitter } from 'node:events';
import type { Job, Queue, QueueEvents } from 'bullmq';

/**
 * Waits up to `ttlMs` for a job to finish: resolves with its return value, rejects with a
 * `JobFailedError` carrying its failure reason, or with `JobWaitTimeout` when the wait runs out (or
 * with Redis's error when Redis cannot be asked).
 *
 * BullMQ's own `Job.waitUntilFinished` checks Redis from inside a promise executor: when Redis goes
 * away at that moment the error escapes as an unhandled rejection and takes the process down. Here
 * every step's failure settles the one promise the caller awaits.
 */
export function waitUntilFinished(queue: Queue, job: Job, events: QueueEvents, ttlMs: number): Promise<unknown> {
  const jobId = job.id;
  if (jobId === undefined) return Promise.reject(new Error('job has no id'));
  const completedEvent = `completed:${jobId}`;
  const failedEvent = `failed:${jobId}`;
  // Per-job event names (`completed:<id>`) are not in QueueEvents' typed listener map.
  const emitter = events as unknown as EventEmitter;
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (finish: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      emitter.removeListener(completedEvent, onCompleted);
      emitter.removeListener(failedEvent, onFailed);
      finish();
    };
    const onCompleted = (args: { returnvalue: unknown }) => settle(() => resolve(args.returnvalue));
    const onFailed = (args: { failedReason: string }) => settle(() => reject(new JobFailedError(jobId, args.failedReason)));
    const timer = setTimeout(() => settle(() => reject(new JobWaitTimeout(jobId, ttlMs))), ttlMs);
    emitter.on(completedEvent, onCompleted);
    emitter.on(failedEvent, onFailed);
    // The job may have finished before the listeners were in place: ask Redis once.
    finishedState(queue, events, jobId).then(
      (state) => {
        if (state?.state === 'completed') onCompleted({ returnvalue: state.value });
        else if (state?.state === 'failed') onFailed({ failedReason: state.reason });
      },
      (err: unknown) => settle(() => reject(err instanceof Error ? err : new Error(String(err)))),
    );
  });
}

/** The job's outcome if it has finished for good, or null while it is waiting, running or retrying. */
async function finishedState(queue: Queue, events: QueueEvents, jobId: string): Promise<{ state: 'completed'; value: unknown } | { state: 'failed'; reason: string } | null> {
  await events.waitUntilReady();
  const state = await queue.getJobState(jobId);
  if (state !== 'completed' && state !== 'failed') return null;
  const job = await queue.getJob(jobId);
  if (!job) return null; // removed meanwhile: its event already went out
  return state === 'completed' ? { state, value: job.returnvalue } : { state, reason: job.failedReason };
}

/** The wait ran out; the job is still queued or running and will finish later. */
export class JobWaitTimeout extends Error {
  constructor(jobId: string, ttlMs: number) {
    super(`job ${jobId} did not finish within ${ttlMs} ms`);
    this.name = 'JobWaitTimeout';
  }
}

/** The job failed for good; `reason` is its failure reason (a declared refusal or an error message). */
export class JobFailedError extends Error {
  constructor(
    jobId: string,
    readonly reason: string,
  ) {
    super(`job ${jobId} failed: ${reason}`);
    this.name = 'JobFailedError';
  }
}
