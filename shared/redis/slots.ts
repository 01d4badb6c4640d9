import type { ChainableCommander, Redis } from 'ioredis';
import { isCluster } from './connections.ts';

/**
 * What Redis Cluster hashes to pick a key's slot: the text of its first non-empty `{hash tag}`, else
 * the whole key. Keys with the same answer are in one slot (different answers may share one too).
 */
export function slotText(key: string): string {
  const open = key.indexOf('{');
  if (open === -1) return key;
  const close = key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : key;
}

/**
 * Splits items into groups whose keys may go in one script, transaction or pipeline: one group on a
 * single node, one per slot on a cluster (where a command spanning slots fails with CROSSSLOT).
 */
export function groupBySlot<T>(redis: Redis, items: readonly T[], keyOf: (item: T) => string): T[][] {
  if (items.length === 0) return [];
  if (!isCluster(redis)) return [[...items]];
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const text = slotText(keyOf(item));
    const group = groups.get(text);
    if (group) group.push(item);
    else groups.set(text, [item]);
  }
  return [...groups.values()];
}

/**
 * Runs a pipeline (or a MULTI) of commands built per item: one round trip on a single node, one per
 * slot (in parallel) on a cluster. Throws the first command error.
 */
export async function execPerSlot<T>(
  redis: Redis,
  items: readonly T[],
  keyOf: (item: T) => string,
  build: (chain: ChainableCommander, item: T) => void,
  kind: 'pipeline' | 'multi' = 'pipeline',
): Promise<void> {
  await Promise.all(
    groupBySlot(redis, items, keyOf).map(async (group) => {
      const chain = kind === 'multi' ? redis.multi() : redis.pipeline();
      for (const item of group) build(chain, item);
      const results = await chain.exec();
      const failed = results?.find(([err]) => err);
      if (failed) throw failed[0];
    }),
  );
}
