import { UnrecoverableError, type Job } from 'bullmq';
import { ZodError } from 'zod';
import { isDataError } from '../shared/db/pg-errors.ts';
import { JobRefusedError, UNSTORABLE_INPUT, type JobRefusal } from '../shared/contracts/job-outcomes.ts';
import type { JobContract, JobData, JobResult, QueueName } from '../shared/queues/contracts.ts';
import type { WorkerDeps } from './deps.ts';

/** A processor handles one job contract. What it returns becomes the job's return value, of the contract's result type. */
export interface Processor<C extends JobContract = JobContract> {
  contract: C;
  /** `token` is the job's lock token, for handlers that move their job themselves (to wait). */
  handle(data: JobData<C>, deps: WorkerDeps, job: Job, token?: string): Promise<JobResult<C>>;
}

export function defineProcessor<C extends JobContract>(contract: C, handle: Processor<C>['handle']): Processor<C> {
  return { contract, handle };
}

/**
 * The BullMQ processor of one queue: finds the handler by job name (jobs that moved to another queue
 * included, for those an earlier release left here) and parses the data against its contract. An
 * unknown job or invalid data can never succeed, so it fails without retries.
 */
export function dispatcherFor(queue: QueueName, processors: readonly Processor[], deps: WorkerDeps) {
  const byName = new Map(processors.filter((p) => p.contract.queue === queue || p.contract.formerQueue === queue).map((p) => [p.contract.name, p]));
  return async (job: Job, token?: string): Promise<unknown> => {
    const processor = byName.get(job.name);
    if (!processor) throw new UnrecoverableError(`no processor for job "${job.name}" on queue "${queue}"`);
    let data: unknown;
    try {
      data = processor.contract.schema.parse(job.data);
    } catch (err) {
      if (err instanceof ZodError) throw new UnrecoverableError(`invalid data for "${job.name}": ${err.message}`);
      throw err;
    }
    try {
      return await processor.handle(data, deps, job, token);
    } catch (err) {
      if (isDataError(err)) refuseJob(UNSTORABLE_INPUT);
      throw err;
    }
  };
}

/** Fails a job for good with a declared refusal the api turns into its HTTP answer. */
export function refuseJob(refusal: JobRefusal): never;
export function refuseJob(status: JobRefusal['status'], code: string, message: string): never;
export function refuseJob(first: JobRefusal | JobRefusal['status'], code?: string, message?: string): never {
  throw new JobRefusedError(typeof first === 'object' ? first : { status: first, code: code as string, message: message as string });
}
