import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { dropDatabase, ensureDatabase } from '../shared/db/ensure-database.ts';
import { createDb, type Db } from '../shared/db/knex.ts';
import { migrateLatest, migrationConfig } from '../shared/db/migrations.ts';
import type { NewMessage } from '../shared/db/repositories/messages.repository.ts';
import { summarize } from './lib/stats.ts';

/**
 * What a send batch's insert costs PostgreSQL before and after the message tables were partitioned,
 * side by side on two databases of its own (dropped at the end): one migrated to just before
 * `20261130130000_partition_messages_by_chat.ts` (plain `messages`, its statement as it was: one
 * INSERT … ON CONFLICT (sender_uid, client_generated_id) DO NOTHING), one to the latest (partitioned,
 * the messages and their client ids in one statement, as the send path wrote them when the tables
 * were partitioned). Both are seeded alike, then
 * `--rounds` transactions of `--batch` rows go to each, interleaved and alternating which goes
 * first, so load from elsewhere falls on both alike. A third column inserts into the partitioned
 * table without the client ids, to show what each part costs.
 *
 *   npm run bench:insert -- --rounds 300 --batch 100 --chats 2000 --per-chat 50
 */
const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '300' },
    batch: { type: 'string', default: '100' },
    chats: { type: 'string', default: '2000' },
    'per-chat': { type: 'string', default: '50' },
  },
});
const chats = Number(args.chats);
const perChat = Number(args['per-chat']);
const batch = Number(args.batch);
const uid = 'a'.repeat(32);
const PARTITIONING = '20261130130000_partition_messages_by_chat.ts';

async function migrateBefore(db: Db): Promise<void> {
  for (;;) {
    const [, pending] = (await db.migrate.list(migrationConfig)) as [unknown, { file: string }[]];
    if (pending[0]?.file === PARTITIONING) return;
    await db.migrate.up(migrationConfig);
  }
}

async function seed(db: Db, partitioned: boolean): Promise<void> {
  await db.raw(`insert into users (uid, username, password_hash, secret_key, nickname) values (?, 'bench', 'x', ?, 'B')`, [uid, 'k'.repeat(32)]);
  await db.raw(`insert into chats (kind, last_seq) select 'group', ? from generate_series(1, ?)`, [perChat, chats]);
  await db.raw(
    `insert into messages (chat_id, seq, sender_uid, message, message_type, client_generated_id)
     select c, s, ?, 'seeded message number ' || s || ' of chat ' || c, 'text', 'seed-' || c || '-' || s
       from generate_series(1, ?) c, generate_series(1, ?) s`,
    [uid, chats, perChat],
  );
  if (partitioned) await db.raw(`insert into message_client_ids select sender_uid, client_generated_id, chat_id, id from messages`);
  await db.raw('vacuum analyze');
}

let made = 0;
function nextBatch(): (NewMessage & { seq: number })[] {
  made++;
  return Array.from({ length: batch }, (_, i) => ({
    chat_id: String(((made * batch + i) % chats) + 1),
    sender_uid: uid,
    message: `new message ${made} ${i} with a few words to index`,
    message_type: 'text',
    format: 'plain',
    client_generated_id: `new-${made}-${i}`,
    reply_to_id: null,
    reply_root_id: null,
    forwarded_from: null,
    mentions: [],
    file: null,
    remind_at: null,
    // Seqs are not what is measured: far above the seeded ones, unique per round.
    seq: perChat + made,
  }));
}

const asBefore = (trx: Db, rows: ReturnType<typeof nextBatch>) =>
  trx('messages')
    .insert(rows.map((r) => ({ ...r, mentions: trx.raw('?::char(32)[]', [r.mentions]) })))
    .onConflict(['sender_uid', 'client_generated_id'])
    .ignore()
    .returning('*');
const messagesOnly = (trx: Db, rows: ReturnType<typeof nextBatch>) =>
  trx('messages')
    .insert(rows.map((r) => ({ ...r, mentions: trx.raw('?::char(32)[]', [r.mentions]) })))
    .returning('*');
/** The messages, then their (sender, client_generated_id) pairs, in one statement. */
const messagesAndClientIds = (trx: Db, rows: ReturnType<typeof nextBatch>) =>
  trx.raw(
    `with m as (?), k as (
       insert into message_client_ids (sender_uid, client_generated_id, chat_id, message_id)
       select sender_uid, client_generated_id, chat_id, id from m
       on conflict (sender_uid, client_generated_id) do nothing
       returning 1
     )
     select count(*) from k`,
    [messagesOnly(trx, rows)],
  );

const base = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/wetty');
const id = randomBytes(3).toString('hex');
const urlOf = (name: string) => Object.assign(new URL(base), { pathname: `/wetty_bench_insert_${name}_${id}` }).toString();
const [plainUrl, partitionedUrl] = [urlOf('plain'), urlOf('partitioned')];
await ensureDatabase(plainUrl);
await ensureDatabase(partitionedUrl);
const plain = createDb({ url: plainUrl, poolMax: 1 });
const partitioned = createDb({ url: partitionedUrl, poolMax: 1 });
try {
  await migrateBefore(plain);
  await migrateLatest(partitioned);
  await seed(plain, false);
  await seed(partitioned, true);
  const runs: [string, Db, (trx: Db, rows: ReturnType<typeof nextBatch>) => Promise<unknown>][] = [
    ['plain messages (before)', plain, asBefore],
    ['partitioned, messages + client ids (after)', partitioned, messagesAndClientIds],
    ['partitioned, messages only', partitioned, messagesOnly],
  ];
  const times = new Map<string, number[]>(runs.map(([name]) => [name, []]));
  for (let round = 0; round < Number(args.rounds); round++) {
    for (const [name, db, insert] of round % 2 === 0 ? runs : [...runs].reverse()) {
      const rows = nextBatch();
      const started = process.hrtime.bigint();
      await db.transaction((trx) => insert(trx, rows));
      times.get(name)?.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
  }
  process.stdout.write(`${Number(args.rounds)} transactions of ${batch} rows each, into ${chats} chats seeded with ${perChat} messages\n`);
  for (const [name, values] of times) {
    const s = summarize(values);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    process.stdout.write(`${name.padEnd(44)} mean ${mean.toFixed(1)} ms  p50 ${s.p50} ms  p95 ${s.p95} ms  (${((mean * 1000) / batch).toFixed(0)} µs a row)\n`);
  }
} finally {
  await plain.destroy();
  await partitioned.destroy();
  await dropDatabase(plainUrl);
  await dropDatabase(partitionedUrl);
}
