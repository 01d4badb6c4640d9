import type { Redis } from 'ioredis';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { createDb, type Db } from './knex.ts';

/**
 * Where a read goes when a streaming replica is configured (`DATABASE_READ_URL`).
 *
 * Every write, and every read that decides a write, uses the primary (`deps.db`). Reads that tolerate
 * lag (message history, chat lists, search) ask `readDb(uid)`, which answers the replica unless that
 * would hide the reader's own recent write:
 *
 * - After the api answers a successful write for a user (any authenticated request that is not a
 *   GET/HEAD/OPTIONS), it notes the primary's WAL position then (`pg_current_wal_lsn()`) for that
 *   user in Redis, for `DATABASE_READ_YOUR_WRITES_SECONDS`. A write done by a worker has committed
 *   before the api answers it (201), so the position covers it; the note is shared by every api
 *   process.
 * - A lag-tolerant read by a user with a note goes to the replica only if the replica has replayed
 *   up to that position (`pg_last_wal_replay_lsn()`, asked at most every 50 ms per process), else to
 *   the primary. A user with no recent write reads the replica.
 *
 * Not covered: a write answered `202 queued` commits after its answer, so a read right after it may
 * miss it on the replica as it would on the primary before the job runs; and writes of other people
 * are seen when the replica replays them (the live frames arrive meanwhile). Without a replica,
 * `readDb` answers the primary and nothing is noted.
 */
export interface ReadRouting {
  readDb(forUid: string): Promise<Db>;
  /** Call after a write for `uid` has committed. */
  noteWrite(uid: string): Promise<void>;
  /** Counts of where reads went, since start. */
  readonly counts: { replica: number; primary: number };
  close(): Promise<void>;
}

const REPLAY_CACHE_MS = 50;

export function createReadRouting(options: { primary: Db; config: Config['dbRead']; redis: Redis; keyOf: (uid: string) => string; log: Logger }): ReadRouting {
  const { primary, config, redis, keyOf, log } = options;
  const counts = { replica: 0, primary: 0 };
  if (!config.url) {
    return {
      readDb: async () => {
        counts.primary++;
        return primary;
      },
      noteWrite: async () => undefined,
      counts,
      close: async () => undefined,
    };
  }
  const replica = createDb({ url: config.url, poolMax: config.poolMax });
  let replayed: { lsn: bigint; at: number } | null = null;

  async function replayLsn(fresh: boolean): Promise<bigint> {
    if (!fresh && replayed && Date.now() - replayed.at < REPLAY_CACHE_MS) return replayed.lsn;
    const { rows } = await replica.raw<{ rows: { lsn: string | null }[] }>('select pg_last_wal_replay_lsn()::text as lsn');
    // Null: not a replica (or not replaying); compare as position 0, so only users without notes read it.
    const lsn = parseLsn(rows[0]?.lsn ?? null);
    replayed = { lsn, at: Date.now() };
    return lsn;
  }

  // The primary's WAL position, asked by a query that starts after the call: every write noted while
  // one query runs shares the next one, so a busy api asks once per round trip, not once per write.
  let running: Promise<unknown> = Promise.resolve();
  let queued: Promise<string> | null = null;
  function positionAfterNow(): Promise<string> {
    queued ??= running
      .catch(() => undefined)
      .then(() => {
        queued = null;
        const query = primary.raw<{ rows: { lsn: string }[] }>('select pg_current_wal_lsn()::text as lsn').then(({ rows }) => {
          const lsn = rows[0]?.lsn;
          if (!lsn) throw new Error('the primary answered no WAL position');
          return lsn;
        });
        running = query;
        return query;
      });
    return queued;
  }

  return {
    counts,
    readDb: async (uid) => {
      try {
        const noted = await redis.get(keyOf(uid));
        if (noted === null) {
          counts.replica++;
          return replica;
        }
        const needed = parseLsn(noted);
        if ((await replayLsn(false)) >= needed || (await replayLsn(true)) >= needed) {
          counts.replica++;
          return replica;
        }
      } catch (err) {
        log.warn({ err: err instanceof Error ? err.message : err }, 'replica position unknown; reading the primary');
      }
      counts.primary++;
      return primary;
    },
    noteWrite: async (uid) => {
      const lsn = await positionAfterNow();
      await redis.set(keyOf(uid), lsn, 'PX', config.readYourWritesMs);
    },
    close: () => replica.destroy(),
  };
}

/** A WAL position `X/Y` (two hex halves) as one number; null reads as 0. */
export function parseLsn(text: string | null): bigint {
  if (!text) return 0n;
  const [high, low] = text.split('/');
  if (high === undefined || low === undefined) throw new Error(`not a WAL position: ${text}`);
  return (BigInt(`0x${high}`) << 32n) + BigInt(`0x${low}`);
}
