import { Redis } from 'ioredis';
import pg from 'pg';

export interface RoundTripCounters {
  /** Transactions committed or rolled back in the database so far. */
  transactions: number;
  /** Commands the Redis server has processed so far (all of its clients'). */
  redisCommands: number;
}

/**
 * Counters of the work a benchmark asks of PostgreSQL (its own database) and Redis, read before and
 * after a measured window: counts, so unlike CPU time they do not depend on what else the machine runs.
 */
export async function roundTripCounters(databaseUrl: string, redisUrl: string): Promise<{ read(): Promise<RoundTripCounters>; close(): Promise<void> }> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  const databaseName = new URL(databaseUrl).pathname.slice(1);
  return {
    read: async () => {
      // The statistics views show a snapshot per transaction: start from a fresh one.
      await db.query('select pg_stat_clear_snapshot()');
      const [stats, info] = await Promise.all([
        db.query<{ n: string }>('select xact_commit + xact_rollback as n from pg_stat_database where datname = $1', [databaseName]),
        redis.info('stats'),
      ]);
      return {
        transactions: Number(stats.rows[0]?.n ?? 0),
        redisCommands: Number(/total_commands_processed:(\d+)/.exec(info)?.[1] ?? 0),
      };
    },
    close: async () => {
      await db.end();
      redis.disconnect();
    },
  };
}
