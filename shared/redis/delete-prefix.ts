import type { Redis } from 'ioredis';
import { masterNodes } from './connections.ts';
import { groupBySlot } from './slots.ts';

/**
 * Removes every key under a prefix (a test run's or a benchmark's), without blocking Redis on one big
 * call. On a cluster each master is scanned, and keys are removed slot by slot.
 */
export async function deleteKeysWithPrefix(redis: Redis, prefix: string): Promise<number> {
  let deleted = 0;
  for (const node of masterNodes(redis)) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      for (const group of groupBySlot(redis, keys, (key) => key)) deleted += await redis.unlink(...group);
      cursor = next;
    } while (cursor !== '0');
  }
  return deleted;
}
