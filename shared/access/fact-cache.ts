import DataLoader from 'dataloader';
import type { Redis } from 'ioredis';
import { RedisScript } from '../redis/script.ts';
import { execPerSlot, groupBySlot } from '../redis/slots.ts';

/**
 * A read-through Redis cache that cannot keep a stale answer after an invalidation.
 *
 * Each fact has a generation counter. A reader notes the generation before loading from PostgreSQL
 * and stores its answer only if the generation is unchanged (checked atomically in Lua). A writer
 * bumps the generation and deletes the value after its transaction commits. So a reader that loaded
 * before the commit can never write its old answer back over the invalidation.
 *
 * The facts asked for in one turn of the event loop (a worker gating a batch of sends) are read with
 * one `MGET` per Redis slot, not one each.
 */

const FILL_IF_GENERATION_UNCHANGED = new RedisScript(`
if (redis.call('GET', KEYS[2]) or '0') == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
end
return 1`);

// The key's `{hash tag}` (shared/redis/keys.ts) keeps a fact and its counter in one cluster slot.
const generationKey = (key: string) => `${key}:gen`;
// Far longer than any load takes, so a counter cannot expire and restart under a reader.
const GENERATION_TTL_MS = 24 * 3600 * 1000;

type Cached = readonly [value: string | null, generation: string | null];

/** Each connection's reads of this turn, gathered (nothing is remembered between turns). */
const readers = new WeakMap<Redis, DataLoader<string, Cached>>();

function readerOf(redis: Redis): DataLoader<string, Cached> {
  let reader = readers.get(redis);
  if (!reader) {
    reader = new DataLoader((keys) => readMany(redis, keys), { cache: false, maxBatchSize: 256 });
    readers.set(redis, reader);
  }
  return reader;
}

/**
 * Values and generations of `keys`, one `MGET` per slot (a fact and its counter share one): on a
 * single node one for all, on a cluster one per fact (each has a hash tag of its own). A slot that
 * cannot be read fails its own keys only.
 */
async function readMany(redis: Redis, keys: readonly string[]): Promise<(Cached | Error)[]> {
  const read = new Map<string, Cached | Error>();
  await Promise.all(
    groupBySlot(redis, [...new Set(keys)], (key) => key).map(async (group) => {
      try {
        const values = await redis.mget(group.flatMap((key) => [key, generationKey(key)]));
        group.forEach((key, i) => read.set(key, [values[2 * i] ?? null, values[2 * i + 1] ?? null]));
      } catch (err) {
        for (const key of group) read.set(key, err instanceof Error ? err : new Error(String(err)));
      }
    }),
  );
  return keys.map((key) => read.get(key) as Cached | Error);
}

export async function readThrough<T>(redis: Redis, key: string, ttlMs: number, load: () => Promise<T>): Promise<T> {
  const [cached, generation] = await readerOf(redis).load(key);
  if (cached !== null) return JSON.parse(cached) as T;
  const value = await load();
  await FILL_IF_GENERATION_UNCHANGED.run(redis, [key, generationKey(key)], [generation ?? '0', JSON.stringify(value), ttlMs]);
  return value;
}

/** Forgets facts after the change that made them stale has committed. */
export async function invalidate(redis: Redis, keys: Iterable<string>): Promise<void> {
  await execPerSlot(redis, [...keys], (key) => key, (multi, key) => multi.incr(generationKey(key)).pexpire(generationKey(key), GENERATION_TTL_MS).del(key), 'multi');
}
