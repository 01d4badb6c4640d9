import type { Redis } from 'ioredis';
import { RedisScript } from './script.ts';
import { groupBySlot } from './slots.ts';

export interface RateLimitRule {
  max: number;
  windowSeconds: number;
}

export type RateLimitResult = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Fixed-window counter shared by every api process: the first hit in a window starts its clock,
 * the (max+1)th hit is refused until the window ends.
 */
export async function hitRateLimit(redis: Redis, key: string, rule: RateLimitRule): Promise<RateLimitResult> {
  const results = await redis.multi().incr(key).expire(key, rule.windowSeconds, 'NX').ttl(key).exec();
  if (!results) throw new Error('rate limit transaction was aborted');
  const [[countErr, count], , [ttlErr, ttl]] = results as [[Error | null, number], unknown, [Error | null, number]];
  if (countErr || ttlErr) throw countErr ?? ttlErr;
  if (count <= rule.max) return { allowed: true };
  return { allowed: false, retryAfterSeconds: Math.max(1, ttl) };
}

/** One window of a limit: its Redis key and rule. */
export interface LimitWindow extends RateLimitRule {
  key: string;
}

// KEYS: one counter per window. ARGV: cost, then max and window (ms) of each key.
// Refuses (answering the longest wait, in ms) when any window would pass its max; else adds the cost
// to every window. A refused hit counts nowhere, so a client that waits gets its full allowance back.
const HIT_WINDOWS = new RedisScript(`
local cost = tonumber(ARGV[1])
local wait = 0
for i, key in ipairs(KEYS) do
  local max = tonumber(ARGV[i * 2])
  local used = tonumber(redis.call('GET', key) or '0')
  if used + cost > max then
    local ttl = redis.call('PTTL', key)
    if ttl < 0 then ttl = tonumber(ARGV[i * 2 + 1]) end
    if ttl > wait then wait = ttl end
  end
end
if wait > 0 then return wait end
for i, key in ipairs(KEYS) do
  redis.call('INCRBY', key, cost)
  redis.call('PEXPIRE', key, ARGV[i * 2 + 1], 'NX')
end
return 0`);

/**
 * Counts `cost` in every window at once, or in none: refused (with the seconds until the window that
 * refused ends) when any of them would pass its max. Shared by every process through Redis, atomic
 * under concurrency. A cost larger than a window's max is always refused.
 *
 * On a Redis Cluster, windows in different slots are counted slot by slot (one script each): when a
 * later slot refuses, the earlier ones are refunded, so a refused hit still counts nowhere; two hits
 * racing across slots may each be refused where one of them alone would have passed.
 */
export async function hitWindows(redis: Redis, windows: readonly LimitWindow[], cost = 1): Promise<RateLimitResult> {
  if (windows.length === 0 || cost <= 0) return { allowed: true };
  const counted: LimitWindow[][] = [];
  for (const group of groupBySlot(redis, windows, (w) => w.key)) {
    const args = group.flatMap((w) => [w.max, w.windowSeconds * 1000]);
    const waitMs = Number(await HIT_WINDOWS.run(redis, group.map((w) => w.key), [cost, ...args]));
    if (waitMs > 0) {
      for (const done of counted) await refundGroup(redis, done, cost);
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
    }
    counted.push(group);
  }
  return { allowed: true };
}

// Takes back a cost counted by `hitWindows` (never below zero, never reviving an expired window).
const REFUND = `
for _, key in ipairs(KEYS) do
  local used = tonumber(redis.call('GET', key) or '0')
  if used > 0 then redis.call('DECRBY', key, math.min(used, tonumber(ARGV[1]))) end
end
return 0`;

export async function refundWindows(redis: Redis, windows: readonly LimitWindow[], cost = 1): Promise<void> {
  if (windows.length === 0 || cost <= 0) return;
  for (const group of groupBySlot(redis, windows, (w) => w.key)) await refundGroup(redis, group, cost);
}

async function refundGroup(redis: Redis, windows: readonly LimitWindow[], cost: number): Promise<void> {
  await redis.eval(REFUND, windows.length, ...windows.map((w) => w.key), cost);
}

// Adds bytes already spent (they streamed through) whatever the total; answers the new total and the
// window's remaining ms.
const ADD_USAGE = `
local total = redis.call('INCRBY', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2], 'NX')
return {total, redis.call('PTTL', KEYS[1])}`;

/**
 * Adds what was already consumed (e.g. bytes as they stream) to a window, without refusing it: the
 * caller compares the answered total with its max. `retryAfterSeconds` is when the window ends.
 */
export async function addUsage(redis: Redis, window: LimitWindow, amount: number): Promise<{ total: number; retryAfterSeconds: number }> {
  const [total, ttl] = (await redis.eval(ADD_USAGE, 1, window.key, amount, window.windowSeconds * 1000)) as [number, number];
  return { total, retryAfterSeconds: Math.max(1, Math.ceil((ttl > 0 ? ttl : window.windowSeconds * 1000) / 1000)) };
}
