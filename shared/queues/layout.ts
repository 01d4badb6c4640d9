import type { Config } from '../config.ts';
import { QUEUE_NAMES, type QueueName } from './contracts.ts';

/**
 * Where each BullMQ queue lives in Redis.
 *
 * - Partitions: the hot `messages` queue (and `message-actions` beside it) is split into
 *   `MESSAGE_QUEUE_PARTITIONS` queues by a hash of the job's chat, so on a Redis Cluster its load
 *   spreads over shards while one chat's jobs stay in one queue (its order and the send batching are
 *   unchanged). Partition 0 keeps the queue's own name; partition i is `<name>-<i>`. Workers consume
 *   every partition.
 * - Prefix: BullMQ keeps a queue's keys under `<prefix>:<queue>:…` and runs scripts over several of
 *   them, so on a cluster each queue's prefix carries a `{hash tag}` of its own name: all of one
 *   queue's keys are in one slot, different queues (and partitions) in different ones. On a single
 *   node the prefix is `<REDIS_PREFIX>:bull` for every queue.
 *
 * Queues created here (every queue in QUEUE_NAMES) get this layout without further work.
 */
export interface QueueLayout {
  redisPrefix: string;
  cluster: boolean;
  /** Partitions of each partitioned queue (1: not split). */
  partitions: number;
}

export const PARTITIONED_QUEUES: ReadonlySet<QueueName> = new Set<QueueName>(['messages', 'message-actions']);

export function queueLayout(redis: Config['redis']): QueueLayout {
  return { redisPrefix: redis.prefix, cluster: redis.clusterNodes !== null, partitions: redis.messagePartitions };
}

/** A physical queue: its BullMQ name and the contract queue whose jobs it holds. */
export interface PhysicalQueue {
  name: string;
  queue: QueueName;
  prefix: string;
}

export function partitionCount(layout: QueueLayout, queue: QueueName): number {
  return PARTITIONED_QUEUES.has(queue) ? layout.partitions : 1;
}

export function partitionName(queue: QueueName, index: number): string {
  return index === 0 ? queue : `${queue}-${index}`;
}

export function bullPrefix(layout: QueueLayout, name: string): string {
  return layout.cluster ? `${layout.redisPrefix}:bull:{${name}}` : `${layout.redisPrefix}:bull`;
}

/** Every physical queue, in contract order. */
export function physicalQueues(layout: QueueLayout): PhysicalQueue[] {
  return QUEUE_NAMES.flatMap((queue) =>
    Array.from({ length: partitionCount(layout, queue) }, (_, i) => {
      const name = partitionName(queue, i);
      return { name, queue, prefix: bullPrefix(layout, name) };
    }),
  );
}

/** The partition key of a job: its chat when it names one, else its message, else none. */
export function partitionKeyOf(data: unknown): string {
  if (typeof data !== 'object' || data === null) return '';
  const { chat_id: chatId, msg_id: msgId } = data as { chat_id?: unknown; msg_id?: unknown };
  if (typeof chatId === 'string' || typeof chatId === 'number') return String(chatId);
  if (typeof msgId === 'string' || typeof msgId === 'number') return `msg:${String(msgId)}`;
  return '';
}

/** The partition (0 … partitions-1) of a key: FNV-1a, stable across processes and releases. */
export function partitionOf(key: string, partitions: number): number {
  if (partitions <= 1) return 0;
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % partitions;
}

/** The physical queue name a job of `queue` with `data` goes to. */
export function queueNameFor(layout: QueueLayout, queue: QueueName, data: unknown): string {
  return partitionName(queue, partitionOf(partitionKeyOf(data), partitionCount(layout, queue)));
}
