import { expect } from 'chai';
import { dropDatabase, ensureDatabase } from '../../shared/db/ensure-database.ts';
import { createDb, type Db } from '../../shared/db/knex.ts';
import { migrateLatest, migrationConfig, rollbackAll } from '../../shared/db/migrations.ts';
import { findByClientIds, findMessage, isClaimedClientId, listMessages, storeMessages } from '../../shared/db/repositories/messages.repository.ts';
import { ORDER_WINDOW_MS } from '../../shared/effects/outbox.ts';
import { searchMessages } from '../../shared/db/repositories/message-search.repository.ts';
import { testDatabaseUrl } from '../support/config.ts';

describe('migrations', () => {
  const url = new URL(testDatabaseUrl());
  url.pathname += '_migrations';
  let db: Db;

  before(async () => {
    await ensureDatabase(url.toString());
    db = createDb({ url: url.toString(), poolMax: 2 });
  });
  after(async () => {
    await db.destroy();
    await dropDatabase(url.toString());
  });

  const tables = async () =>
    (await db.raw(`select tablename from pg_tables where schemaname = 'public' and tablename not like 'knex_%' order by 1`)).rows.map(
      (r: { tablename: string }) => r.tablename,
    );

  it('migrates up, all the way down, and up again', async () => {
    const first = await migrateLatest(db);
    expect(first.length).to.be.greaterThan(0);
    const upTables = await tables();
    expect(upTables).to.include.members(['users', 'sessions', 'files']);

    const reverted = await rollbackAll(db);
    expect(reverted).to.have.length(first.length);
    expect(await tables()).to.deep.equal([]);

    const again = await migrateLatest(db);
    expect(again).to.deep.equal(first);
    expect(await tables()).to.deep.equal(upTables);
  });

  describe('partitioning the message tables by chat, on a database that holds rows', () => {
    const partitioning = '20261130130000_partition_messages_by_chat.ts';
    const uidA = 'a'.repeat(32);
    const uidB = 'b'.repeat(32);

    /** Every row of the converted tables, in one order, as text (ids and seqs compared exactly). */
    const snapshot = async (): Promise<Record<'messages' | 'reactions' | 'edits' | 'changes' | 'pins', unknown[]>> => ({
      messages: (await db.raw(`select id, chat_id, seq, sender_uid, client_generated_id, message, edit_count, recalled_at is not null as recalled from messages order by id`)).rows,
      reactions: (await db.raw(`select message_id, uid, emoji from message_reactions order by message_id, uid, emoji`)).rows,
      edits: (await db.raw(`select message_id, version, message from message_edits order by message_id, version`)).rows,
      changes: (await db.raw(`select chat_id, cursor, kind, message_id from chat_changes order by chat_id, cursor`)).rows,
      pins: (await db.raw(`select chat_id, message_id from chat_pins order by chat_id, message_id`)).rows,
    });
    const partitioned = async (table: string) => (await db.raw(`select relkind from pg_class where relname = ?`, [table])).rows[0]?.relkind === 'p';

    /** The schema just before the partitioning, with a few chats of history written through it. */
    const seedAtPreviousVersion = async () => {
      await rollbackAll(db);
      for (;;) {
        const [, pending] = (await db.migrate.list(migrationConfig)) as [unknown, { file: string }[]];
        if (pending[0]?.file === partitioning) break;
        await db.migrate.up(migrationConfig);
      }
      await db.raw(`insert into users (uid, username, password_hash, secret_key, nickname) values (?, 'mig_a', 'x', ?, 'A'), (?, 'mig_b', 'x', ?, 'B')`, [uidA, 'k'.repeat(32), uidB, 'k'.repeat(32)]);
      const chats = (await db.raw(`insert into chats (kind, last_seq, last_change) select 'group', 30, 2 from generate_series(1, 40) returning id`)).rows as { id: string }[];
      await db.raw(`insert into chat_members (chat_id, uid) select id, ? from chats union all select id, ? from chats`, [uidA, uidB]);
      await db.raw(
        `insert into messages (chat_id, seq, sender_uid, message, message_type, client_generated_id)
         select c.id, s, case when s % 2 = 0 then ? else ? end, 'history ' || c.id || ' line ' || s || case when s = 7 then ' 会议记录' else '' end, 'text', 'mig-' || c.id || '-' || s
           from chats c, generate_series(1, 30) s order by c.id, s`,
        [uidA, uidB],
      );
      await db.raw(`insert into message_reactions (message_id, uid, emoji) select id, ?, '👍' from messages where seq in (1, 2)`, [uidA]);
      await db.raw(`insert into message_edits (message_id, version, message, format, written_at, replaced_at) select id, 0, 'first draft', 'plain', now(), now() from messages where seq = 3`);
      await db.raw(`update messages set edit_count = 1 where seq = 3`);
      await db.raw(
        `insert into chat_changes (chat_id, cursor, kind, message_id, actor_uid, data)
         select chat_id, case when seq = 3 then 1 else 2 end, case when seq = 3 then 'edit' else 'pin' end, id, sender_uid, '{}' from messages where seq in (3, 4)`,
      );
      await db.raw(`insert into chat_pins (chat_id, message_id, pinned_by) select chat_id, id, sender_uid from messages where seq = 4`);
      return chats.map((c) => c.id);
    };

    it('keeps every row, id, seq and key through up and down; paging, search and client ids work after', async () => {
      const chats = await seedAtPreviousVersion();
      const before = await snapshot();
      expect(before.messages).to.have.length(40 * 30);
      const lastId = Number((before.messages.at(-1) as { id: string }).id);

      expect(await db.migrate.up(migrationConfig)).to.deep.include([partitioning]);
      for (const table of ['messages', 'message_reactions', 'message_edits', 'chat_changes', 'message_client_ids']) expect(await partitioned(table), table).to.equal(true);
      expect(await snapshot()).to.deep.equal(before);
      const partitions = (await db.raw(`select count(*)::int as n from pg_inherits where inhparent = 'messages'::regclass`)).rows[0].n;
      expect(partitions).to.equal(16);

      // History pages of one chat, both ways, by seq.
      const chatId = chats[17] as string;
      const newest = await listMessages(db, { chatId, viewerUid: uidA, max: 10 });
      expect(newest.map((m) => Number(m.seq))).to.deep.equal([30, 29, 28, 27, 26, 25, 24, 23, 22, 21]);
      const older = await listMessages(db, { chatId, viewerUid: uidA, max: 5, before: 21 });
      expect(older.map((m) => Number(m.seq))).to.deep.equal([20, 19, 18, 17, 16]);
      const after = await listMessages(db, { chatId, viewerUid: uidA, max: 3, after: 28 });
      expect(after.map((m) => Number(m.seq))).to.deep.equal([29, 30]);

      // Search by word and by substring, through the indexes rebuilt on the partitioned table.
      const search = { viewerUid: uidA, wordsExclude: null, substrings: [], excludedSubstrings: [], order: 'time' as const, limit: 50 };
      const words = await searchMessages(db, { ...search, chatId, wordsMatch: `'line' & '12'` });
      expect(words.map((m) => m.message)).to.deep.equal([`history ${chatId} line 12`]);
      const cjk = await searchMessages(db, { ...search, wordsMatch: null, substrings: [{ pattern: '%会议%', ignoreCase: false }] });
      expect(cjk).to.have.length(40);

      // A message stored now takes the next id and is found by its chat; its client id stays unique per sender across chats.
      const fresh = { chat_id: chatId, sender_uid: uidA, message: 'after the move', message_type: 'text' as const, format: 'plain' as const, reply_to_id: null, reply_root_id: null, forwarded_from: null, mentions: [], file: null, remind_at: null };
      const stored = await storeMessages(db, [{ ...fresh, client_generated_id: 'mig-new' }], ORDER_WINDOW_MS);
      expect(stored?.inserted).to.have.length(1);
      expect(stored?.inserted[0]?.seq).to.equal('31');
      expect(Number(stored?.inserted[0]?.id)).to.equal(lastId + 1);
      expect((await findMessage(db, chatId, stored?.inserted[0]?.id as string))?.message).to.equal('after the move');
      const reused = `mig-${chatId}-2`;
      expect((await findByClientIds(db, [{ sender_uid: uidA, client_generated_id: reused }])).map((m) => m.seq)).to.deep.equal(['2']);
      const claimedElsewhere = await storeMessages(db, [{ ...fresh, chat_id: chats[3] as string, client_generated_id: reused }], ORDER_WINDOW_MS).catch((err: unknown) => err);
      expect(isClaimedClientId(claimedElsewhere), String(claimedElsewhere)).to.equal(true);
      await db('outbox').where({ id: stored?.outbox.id }).delete();
      await db('messages').where({ chat_id: chatId, seq: 31 }).delete();
      await db('chats').where({ id: chatId }).update({ last_seq: 30 });

      // Down: plain tables again, the same rows.
      await db.migrate.down(migrationConfig);
      for (const table of ['messages', 'message_reactions', 'message_edits', 'chat_changes']) expect(await partitioned(table), table).to.equal(false);
      expect(await snapshot()).to.deep.equal(before);
      await migrateLatest(db);
      expect(await snapshot()).to.deep.equal(before);
    });
  });
});
