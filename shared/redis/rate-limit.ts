import type { Redis } from 'ioredis';
import { RedisScript } from './script.ts';
import { isCluster } from './connections.ts';
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

// Counts several hits in one call, each as `hitWindows` describes, in the order given (so two hits of
// one user see each other). KEYS: every hit's windows, hit after hit. ARGV: the number of hits, then
// for each: its number of windows, its cost, then max and window (ms) of each of its keys. Answers,
// per hit, 0 when it was counted or the longest wait (ms) of a window that refused it.
const HIT_MANY = new RedisScript(`
local answers = {}
local arg = 2
local first = 1
for hit = 1, tonumber(ARGV[1]) do
  local count = tonumber(ARGV[arg])
  local cost = tonumber(ARGV[arg + 1])
  arg = arg + 2
  local wait = 0
  for i = 0, count - 1 do
    local key = KEYS[first + i]
    local used = tonumber(redis.call('GET', key) or '0')
    if used + cost > tonumber(ARGV[arg + i * 2]) then
      local ttl = redis.call('PTTL', key)
      if ttl < 0 then ttl = tonumber(ARGV[arg + i * 2 + 1]) end
      if ttl > wait then wait = ttl end
    end
  end
  if wait == 0 then
    for i = 0, count - 1 do
      redis.call('INCRBY', KEYS[first + i], cost)
      redis.call('PEXPIRE', KEYS[first + i], ARGV[arg + i * 2 + 1], 'NX')
    end
  end
  answers[hit] = wait
  first = first + count
  arg = arg + count * 2
end
return answers`);

interface Hit {
  windows: readonly LimitWindow[];
  cost: number;
}

/** Runs `hits` in one script call (their keys must share a slot on a cluster): the wait in ms of each, 0 when counted. */
async function runHits(redis: Redis, hits: readonly Hit[]): Promise<number[]> {
  const keys = hits.flatMap((h) => h.windows.map((w) => w.key));
  const args = [hits.length, ...hits.flatMap((h) => [h.windows.length, h.cost, ...h.windows.flatMap((w) => [w.max, w.windowSeconds * 1000])])];
  return ((await HIT_MANY.run(redis, keys, args)) as (number | string)[]).map(Number);
}

const refusal = (waitMs: number): RateLimitResult => ({ allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) });

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
    const [waitMs = 0] = await runHits(redis, [{ windows: group, cost }]);
    if (waitMs > 0) {
      for (const done of counted) await refundGroup(redis, done, cost);
      return refusal(waitMs);
    }
    counted.push(group);
  }
  return { allowed: true };
}

/**
 * `hitWindows` for a busy process: the hits asked for in one turn of the event loop are counted by one
 * script call (in the order they were asked), not one each — a round trip and a script run per send
 * otherwise (at most `MAX_HITS_PER_CALL` per call). Each hit is still all or nothing, as with
 * `hitWindows`. A call Redis fails (it refuses writes when out of memory) fails every hit of its
 * turn; hits it counted before failing stay counted, as Redis does not undo a script's writes. On a
 * Redis Cluster each hit is counted on its own (its windows may be in other slots than the rest of
 * the turn's).
 */
export class WindowCounter {
  /** Hits one call counts at most: a turn with more is counted by more calls, so no script runs long. */
  static readonly MAX_HITS_PER_CALL = 256;
  private waiting: { hit: Hit; settle: (result: Promise<RateLimitResult>) => void }[] = [];

  constructor(private readonly redis: Redis) {}

  hit(windows: readonly LimitWindow[], cost = 1): Promise<RateLimitResult> {
    if (windows.length === 0 || cost <= 0) return Promise.resolve({ allowed: true });
    if (isCluster(this.redis)) return hitWindows(this.redis, windows, cost);
    return new Promise<RateLimitResult>((resolve) => {
      this.waiting.push({ hit: { windows, cost }, settle: resolve });
      if (this.waiting.length === 1) setImmediate(() => this.countWaiting());
      else if (this.waiting.length >= WindowCounter.MAX_HITS_PER_CALL) this.countWaiting();
    });
  }

  private countWaiting(): void {
    const turn = this.waiting;
    this.waiting = [];
    if (turn.length === 0) return;
    const answers = runHits(this.redis, turn.map((w) => w.hit));
    turn.forEach(({ settle }, i) => settle(answers.then((waits) => ((waits[i] ?? 0) > 0 ? refusal(waits[i] as number) : { allowed: true }))));
  }
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
