import type { Redis } from 'ioredis';
import type { RedisKeys } from '../redis/keys.ts';

/**
 * Whether a user has a live socket on some realtime node right now: an entry of their presence set
 * that has not expired (realtime/presence.ts keeps it).
 */
export async function isOnline(redis: Redis, keys: RedisKeys, uid: string, now = Date.now()): Promise<boolean> {
  return (await redis.zcount(keys.presence(uid), `(${now}`, '+inf')) > 0;
}
