import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { JobContract, JobData, QueueName } from './contracts.ts';
import { physicalQueues, queueNameFor, type QueueLayout } from './layout.ts';

/**
 * Every physical queue by its BullMQ name (shared/queues/layout.ts): each contract queue under its
 * own name, and the partitions of a partitioned queue beyond the first as `<name>-<i>`. Jobs go to
 * their queue through `queueFor` (or `enqueue`), which picks the partition.
 */
export type Queues = Record<QueueName, Queue> & { readonly [physical: string]: Queue | undefined };

const layouts = new WeakMap<Queues, QueueLayout>();

/** One BullMQ Queue per physical queue, sharing a connection, each with its layout's prefix. */
export function createQueues(connection: Redis, layout: QueueLayout): Queues {
  const entries = physicalQueues(layout).map(({ name, prefix }) => [name, new Queue(name, { connection, prefix })] as const);
  const queues = Object.fromEntries(entries) as Queues;
  layouts.set(queues, layout);
  return queues;
}

export function layoutOf(queues: Queues): QueueLayout {
  const layout = layouts.get(queues);
  if (!layout) throw new Error('queues were not made by createQueues');
  return layout;
}

/** The queue (the partition, for a partitioned queue) that holds a job of `contract` with `data`. */
export function queueFor<C extends JobContract>(queues: Queues, contract: C, data: JobData<C>): Queue {
  const name = queueNameFor(layoutOf(queues), contract.queue, data);
  const queue = queues[name];
  if (!queue) throw new Error(`no queue named "${name}"`);
  return queue;
}

/** Adds a job after checking its data against the contract. */
export async function enqueue<C extends JobContract>(queues: Queues, contract: C, data: JobData<C>, options?: JobsOptions) {
  const parsed = contract.schema.parse(data) as JobData<C>;
  return queueFor(queues, contract, parsed).add(contract.name, parsed, options);
}

export function allQueues(queues: Queues): Queue[] {
  return Object.values(queues).filter((queue): queue is Queue => queue !== undefined);
}

/**
 * Adds many jobs of one contract, one round trip per queue partition they fall in (fixed job ids
 * still make repeats no-ops).
 */
export async function enqueueBulk<C extends JobContract>(queues: Queues, contract: C, jobs: readonly { data: JobData<C>; options: JobsOptions }[]) {
  const byQueue = new Map<Queue, { name: string; data: JobData<C>; opts: JobsOptions }[]>();
  for (const job of jobs) {
    const data = contract.schema.parse(job.data) as JobData<C>;
    const queue = queueFor(queues, contract, data);
    const batch = byQueue.get(queue) ?? [];
    batch.push({ name: contract.name, data, opts: job.options });
    byQueue.set(queue, batch);
  }
  return (await Promise.all([...byQueue].map(([queue, batch]) => queue.addBulk(batch)))).flat();
}

export async function closeQueues(queues: Queues): Promise<void> {
  await Promise.all(allQueues(queues).map((queue) => queue.close()));
}
