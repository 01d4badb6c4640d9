import type { Redis } from 'ioredis';
import { pingDb, type Db } from './db/knex.ts';

export interface Readiness {
  ready: boolean;
  body: { status: 'ready' | 'not_ready'; checks: { db: boolean; redis: boolean; draining: boolean } };
}

/** The `/readyz` answer of every role: PostgreSQL and Redis answer, and the process is not draining. */
export async function checkReadiness(db: Db, redis: Redis, draining: boolean): Promise<Readiness> {
  const [dbOk, redisOk] = await Promise.all([pingDb(db), redis.ping().then(() => true, () => false)]);
  const ready = dbOk && redisOk && !draining;
  return { ready, body: { status: ready ? 'ready' : 'not_ready', checks: { db: dbOk, redis: redisOk, draining } } };
}
