import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../logger.ts';

/**
 * Redis connections by role (BullMQ's production guidance):
 * - `command`: request paths (rate limits, tickets, caches); fails fast when Redis is down so the
 *   api answers 503 instead of hanging.
 * - `worker`: BullMQ workers and queue producers that must block; retries forever.
 * - `subscriber`: a dedicated pub/sub connection.
 */
export type RedisRole = 'command' | 'worker' | 'subscriber';

const optionsByRole: Record<RedisRole, RedisOptions> = {
  command: { enableOfflineQueue: false, maxRetriesPerRequest: 1 },
  worker: { maxRetriesPerRequest: null },
  subscriber: { maxRetriesPerRequest: null },
};

export function createRedis(url: string, role: RedisRole, log: Logger): Redis {
  const redis = new Redis(url, { ...optionsByRole[role], connectionName: `wetty-${role}`, lazyConnect: false });
  redis.on('error', (err: Error) => log.warn({ err: err.message, redisRole: role }, 'redis connection error'));
  return redis;
}

/** Resolves once the connection is ready, so a process does not report ready before Redis is. */
export async function waitForRedis(redis: Redis): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const onReady = () => { cleanup(); resolve(); };
    const onEnd = () => { cleanup(); reject(new Error('redis connection ended before it was ready')); };
    const cleanup = () => { redis.off('ready', onReady); redis.off('end', onEnd); };
    redis.once('ready', onReady);
    redis.once('end', onEnd);
  });
}
