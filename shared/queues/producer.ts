import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { QUEUE_NAMES, type JobContract, type JobData, type QueueName } from './contracts.ts';

export type Queues = Record<QueueName, Queue>;

/** One BullMQ Queue per queue name, sharing a connection and the product's key prefix. */
export function createQueues(connection: Redis, prefix: string): Queues {
  const entries = QUEUE_NAMES.map((name) => [name, new Queue(name, { connection, prefix: `${prefix}:bull` })] as const);
  return Object.fromEntries(entries) as Queues;
}

/** Adds a job after checking its data against the contract. */
export async function enqueue<C extends JobContract>(queues: Queues, contract: C, data: JobData<C>, options?: JobsOptions) {
  const parsed = contract.schema.parse(data) as JobData<C>;
  return queues[contract.queue].add(contract.name, parsed, options);
}

/** Adds many jobs of one contract in one round trip (fixed job ids still make repeats no-ops). */
export async function enqueueBulk<C extends JobContract>(queues: Queues, contract: C, jobs: readonly { data: JobData<C>; options: JobsOptions }[]) {
  if (jobs.length === 0) return [];
  return queues[contract.queue].addBulk(jobs.map((job) => ({ name: contract.name, data: contract.schema.parse(job.data) as JobData<C>, opts: job.options })));
}

export async function closeQueues(queues: Queues): Promise<void> {
  await Promise.all(Object.values(queues).map((queue) => queue.close()));
}
