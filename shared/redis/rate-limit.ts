import type { Redis } from 'ioredis';

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
