import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { dropDatabase, ensureDatabase } from '../shared/db/ensure-database.ts';
import { createDb } from '../shared/db/knex.ts';
import { migrateLatest } from '../shared/db/migrations.ts';
import { storeMessages, type NewMessage } from '../shared/db/repositories/messages.repository.ts';
import { ORDER_WINDOW_MS } from '../shared/effects/outbox.ts';
import { processUsage } from './lib/stats.ts';

/**
 * What storing one send batch costs, as the send path stores it (`storeMessages`: one statement, one
 * commit): `--rounds` batches of `--batch` messages over `--chats` chats, on a fresh database of its
 * own (dropped at the end), after `--warmup` batches. Prints PostgreSQL's CPU per batch (the one
 * backend's, from its process), this process's, and the wall time. Run it on two commits one after
 * the other, alternating, to compare them.
 *
 *   npm run bench:store -- --batch 6 --rounds 2000
 */
const { values: args } = parseArgs({
  options: {
    batch: { type: 'string', default: '6' },
    rounds: { type: 'string', default: '2000' },
    warmup: { type: 'string', default: '200' },
    chats: { type: 'string', default: '500' },
  },
});
const [batch, rounds, warmup, chats] = [args.batch, args.rounds, args.warmup, args.chats].map(Number) as [number, number, number, number];
if (![batch, rounds, chats].every((n) => Number.isInteger(n) && n > 0) || !Number.isInteger(warmup) || warmup < 0) {
  throw new Error('--batch, --rounds and --chats must be whole numbers above 0, --warmup 0 or more');
}

const url = Object.assign(new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/wetty'), { pathname: `/wetty_bench_store_${randomBytes(3).toString('hex')}` }).toString();
await ensureDatabase(url);
const db = createDb({ url, poolMax: 1 });
try {
  await migrateLatest(db);
  const uid = 'a'.repeat(32);
  await db.raw(`insert into users (uid, username, password_hash, secret_key, nickname) values (?, 'bench', 'x', ?, 'B')`, [uid, 'k'.repeat(32)]);
  await db.raw(`insert into chats (kind, last_seq) select 'group', 0 from generate_series(1, ?)`, [chats]);
  await db.raw('vacuum analyze');
  const backend = (await db.raw<{ rows: { pid: number }[] }>('select pg_backend_pid() as pid')).rows[0]?.pid as number;

  let made = 0;
  const nextBatch = (): NewMessage[] =>
    Array.from({ length: batch }, (_, i) => ({
      chat_id: String(((made + i * 7) % chats) + 1),
      sender_uid: uid,
      message: `message ${made} ${i} with a few words to index`,
      message_type: 'text',
      format: 'plain',
      client_generated_id: `store-${made++}`,
      reply_to_id: null,
      reply_root_id: null,
      forwarded_from: null,
      mentions: [],
      file: null,
      remind_at: null,
    }));
  for (let i = 0; i < warmup; i++) await storeMessages(db, nextBatch(), ORDER_WINDOW_MS);

  const cpuOf = async (pid: number) => (await processUsage(pid))?.cpuSeconds ?? 0;
  const [pgBefore, ownBefore, started] = [await cpuOf(backend), process.cpuUsage(), performance.now()];
  for (let i = 0; i < rounds; i++) await storeMessages(db, nextBatch(), ORDER_WINDOW_MS);
  const wallMs = performance.now() - started;
  const own = process.cpuUsage(ownBefore);
  const pgMs = ((await cpuOf(backend)) - pgBefore) * 1000;
  const perBatch = (ms: number) => (ms / rounds).toFixed(3);
  console.log(
    `${rounds} batches of ${batch} over ${chats} chats: PostgreSQL ${perBatch(pgMs)} ms CPU a batch, this process ${perBatch((own.user + own.system) / 1000)} ms, wall ${perBatch(wallMs)} ms`,
  );
} finally {
  await db.destroy();
  await dropDatabase(url);
}
