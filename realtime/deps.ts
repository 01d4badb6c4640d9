import type { Redis } from 'ioredis';
import { createUserState, type UserState } from '../shared/access/user-state.ts';
import type { Config } from '../shared/config.ts';
import { createDb, type Db } from '../shared/db/knex.ts';
import type { Logger } from '../shared/logger.ts';
import { createMetrics, type Metrics, type MetricsOptions } from '../shared/metrics/metrics.ts';
import { createRedis, waitForRedis } from '../shared/redis/connections.ts';
import { redisKeys, type RedisKeys } from '../shared/redis/keys.ts';

/** What a realtime node is handed. */
export interface RealtimeDeps {
  config: Config;
  db: Db;
  /** Commands and PUBLISH. */
  redis: Redis;
  /** The dedicated pub/sub connection. */
  subscriber: Redis;
  keys: RedisKeys;
  userState: UserState;
  log: Logger;
  metrics: Metrics;
}

/** Opens a node's connections. Called by a composition root (`realtime/main.ts`, or a test) only. */
export async function openRealtimeDeps(config: Config, log: Logger, metricsOptions: MetricsOptions = {}): Promise<RealtimeDeps & { close(): Promise<void> }> {
  const db = createDb(config.db);
  const redis = createRedis(config.redis, 'command', log);
  const subscriber = createRedis(config.redis, 'subscriber', log);
  await Promise.all([waitForRedis(redis), waitForRedis(subscriber)]);
  const keys = redisKeys(config.redis.prefix);
  return {
    config,
    db,
    redis,
    subscriber,
    keys,
    userState: createUserState({ db, redis, keys }),
    log,
    metrics: createMetrics('realtime', metricsOptions),
    close: async () => {
      await Promise.allSettled([db.destroy(), redis.quit(), subscriber.quit()]);
    },
  };
}
