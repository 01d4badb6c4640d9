import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { dropDatabase, ensureDatabase } from '../shared/db/ensure-database.ts';
import { createDb } from '../shared/db/knex.ts';
import { migrateLatest } from '../shared/db/migrations.ts';
import { listChanges } from '../shared/db/repositories/chat-changes.repository.ts';
import { listChatsOf } from '../shared/db/repositories/chat-list.repository.ts';
import { listEdits } from '../shared/db/repositories/message-edits.repository.ts';
import { searchMessages } from '../shared/db/repositories/message-search.repository.ts';
import { findByClientIds, findMessage, findMessageAnywhere, findMessages, listMessages, reactionsFor } from '../shared/db/repositories/messages.repository.ts';
import { listPins } from '../shared/db/repositories/pins.repository.ts';
import { pendingMessages } from '../shared/db/repositories/push-gate.repository.ts';

/**
 * Which partitions of the message tables each query reads, on a database of its own (dropped at the
 * end): seeds `--chats` chats of `--per-chat` messages, runs the repositories' own queries, and
 * prints, for each statement they sent, how many partitions of each table its plan reads — by
 * `EXPLAIN ANALYZE`, so partitions pruned at run time (`never executed`) are not counted; a lookup by
 * id alone stops at the partition that has it, so it reads up to all 16. `--plans` prints the plans.
 *
 *   npm run bench:partitions -- --chats 2000 --per-chat 50
 */
const { values: args } = parseArgs({
  options: {
    chats: { type: 'string', default: '2000' },
    'per-chat': { type: 'string', default: '50' },
    plans: { type: 'boolean', default: false },
  },
});

const url = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/wetty');
url.pathname = `/wetty_bench_partitions_${randomBytes(3).toString('hex')}`;
await ensureDatabase(url.toString());
const db = createDb({ url: url.toString(), poolMax: 1 });

type Sent = { label: string; sql: string; bindings: unknown[] };
const sent: Sent[] = [];
let label = '';
db.on('query', (q: { sql: string; bindings?: unknown[] }) => {
  if (label !== '') sent.push({ label, sql: q.sql, bindings: q.bindings ?? [] });
});
const run = async (name: string, query: () => Promise<unknown>) => {
  label = name;
  await query();
  label = '';
};

try {
  await migrateLatest(db);
  const uid = 'a'.repeat(32);
  const other = 'b'.repeat(32);
  await db.raw(`insert into users (uid, username, password_hash, secret_key, nickname) values (?, 'bench_a', 'x', ?, 'A'), (?, 'bench_b', 'x', ?, 'B')`, [uid, 'k'.repeat(32), other, 'k'.repeat(32)]);
  await db.raw(`insert into chats (kind, last_seq) select 'group', ? from generate_series(1, ?)`, [Number(args['per-chat']), Number(args.chats)]);
  await db.raw(`insert into chat_members (chat_id, uid) select id, ? from chats union all select id, ? from chats`, [uid, other]);
  await db.raw(
    `insert into messages (chat_id, seq, sender_uid, message, message_type, client_generated_id)
     select c.id, s, ?, 'hello world ' || c.id || ' ' || s, 'text', 'b-' || c.id || '-' || s from chats c, generate_series(1, ?) s`,
    [uid, Number(args['per-chat'])],
  );
  await db.raw(`insert into message_client_ids (sender_uid, client_generated_id, chat_id, message_id) select sender_uid, client_generated_id, chat_id, id from messages`);
  await db.raw('analyze');

  const chatId = String(Math.ceil(Number(args.chats) / 2));
  const message = (await findMessage(db, chatId, String((await db('messages').where({ chat_id: chatId, seq: 3 }).first<{ id: string }>('id')).id))) as NonNullable<Awaited<ReturnType<typeof findMessage>>>;
  // One of each kind of row about the message, so the joins to it run.
  await db('message_reactions').insert({ chat_id: chatId, message_id: message.id, uid: other, emoji: '+1' });
  await db('message_edits').insert({ chat_id: chatId, message_id: message.id, version: 0, message: 'draft', format: 'plain', written_at: new Date(), replaced_at: new Date() });
  await db('chat_pins').insert({ chat_id: chatId, message_id: message.id, pinned_by: uid });
  await db('chat_changes').insert({ chat_id: chatId, cursor: 1, kind: 'pin', message_id: message.id, actor_uid: uid, data: '{}' });
  await run('history, newest page', () => listMessages(db, { chatId, viewerUid: uid, max: 50 }));
  await run('history, before=', () => listMessages(db, { chatId, viewerUid: uid, max: 50, before: 25 }));
  await run('history, after= (gap fill)', () => listMessages(db, { chatId, viewerUid: uid, max: 50, after: 25 }));
  await run('a message of a chat', () => findMessage(db, chatId, message.id));
  await run('messages of an outbox effect', () => findMessages(db, [message.id], [chatId]));
  await run('a send batch: its client ids', () => findByClientIds(db, [{ sender_uid: uid, client_generated_id: `b-${chatId}-3` }, { sender_uid: uid, client_generated_id: 'b-1-3' }]));
  await run('reactions of a page', () => reactionsFor(db, [message]));
  await run('earlier versions', () => listEdits(db, message));
  await run('pins', () => listPins(db, chatId, uid));
  await run('change feed', () => listChanges(db, { chatId, viewerUid: uid, since: 0, max: 100 }));
  await run('search in one chat', () => searchMessages(db, { viewerUid: uid, chatId, wordsMatch: `'hello'`, wordsExclude: null, substrings: [], excludedSubstrings: [], order: 'time', limit: 20 }));
  await run('push count', () => pendingMessages(db, { chatId, uid: other, afterSeq: 10, mentionsOnly: false }));
  await run('chat list (3 chats)', () => listChatsOf(db, uid, 3));
  await run('a message by id alone (forward, recall)', () => findMessageAnywhere(db, message.id));

  const connection = (await db.client.acquireConnection()) as { query: (sql: string, values: unknown[]) => Promise<{ rows: { 'QUERY PLAN': string }[] }> };
  try {
    for (const { label: name, sql, bindings } of sent) {
      if (!/messages|message_|chat_changes|chat_pins/.test(sql)) continue;
      let n = 0;
      const { rows } = await connection.query(`explain (analyze, costs off, timing off, summary off) ${sql.replace(/\?/g, () => `$${++n}`)}`, bindings);
      const plan = rows.map((r) => r['QUERY PLAN']);
      const read = new Set(plan.filter((line) => !line.includes('never executed')).flatMap((line) => [...line.matchAll(/ on (\w+?_p\d+)\b/g)].map((m) => m[1])));
      const tables = new Map<string, number>();
      for (const partition of read) tables.set((partition as string).replace(/_p\d+$/, ''), (tables.get((partition as string).replace(/_p\d+$/, '')) ?? 0) + 1);
      process.stdout.write(`${name.padEnd(42)} ${[...tables].map(([table, count]) => `${table}: ${count}`).join(', ')}\n`);
      if (args.plans) process.stdout.write(`${sql}\n${plan.join('\n')}\n\n`);
    }
  } finally {
    await db.client.releaseConnection(connection);
  }
} finally {
  await db.destroy();
  await dropDatabase(url.toString());
}
