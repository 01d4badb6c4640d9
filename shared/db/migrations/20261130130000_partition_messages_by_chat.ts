import type { Knex } from 'knex';

/**
 * The tables that grow with every chat's history — `messages`, `message_reactions`,
 * `message_edits`, `chat_changes` — become hash-partitioned by `chat_id` into 16 partitions
 * (docs/scaling.md, "Partitioned message tables"). Each is rebuilt in place: the old table is renamed,
 * a partitioned one made under the old name, the rows copied, keys and indexes built on the parent
 * (PostgreSQL makes them per partition), and the old table dropped, all in one transaction. Message
 * ids keep their sequence, so new ids continue after the copied ones.
 *
 * A partitioned table's keys must hold the partition key, so:
 *  - `messages` is keyed by (chat_id, id); an index on `id` alone keeps the few lookups that know no
 *    chat (a forwarded message's source, recalls and reminders queued before this change) to one
 *    index probe per partition. Ids stay unique: only the sequence makes them.
 *  - reactions and earlier versions carry their message's chat_id and reference (chat_id, id).
 *  - pins (at most 50 a chat, not partitioned) reference (chat_id, id) too.
 *  - "client_generated_id is unique per sender" cannot be a key of a table partitioned by chat: it
 *    moves to `message_client_ids`, partitioned by sender, one row per message, written in the
 *    send's transaction (shared/db/repositories/messages.repository.ts). It has no foreign key to
 *    `messages`: checking one against a partitioned table doubled the cost of a send's insert. The
 *    one path that deletes messages (a group's deletion) deletes their client ids with them.
 * The rewrite holds each table's lock while it copies: writes to messages wait meanwhile.
 */

const MODULUS = 16;

/** Indexes of a table that no constraint owns, as `create index` statements to run again. */
async function plainIndexes(knex: Knex, table: string): Promise<string[]> {
  const { rows } = await knex.raw<{ rows: { def: string }[] }>(
    `select pg_get_indexdef(i.indexrelid) as def
       from pg_index i
      where i.indrelid = ?::regclass
        and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)
      order by i.indexrelid`,
    [table],
  );
  // A partitioned parent's index reads `ON ONLY table`; the same index on a plain table has no ONLY.
  return rows.map((r) => r.def.replace(/ ON ONLY /, ' ON '));
}

/** Renames `table` aside and frees every index name it holds, so the new table can take them. */
async function setAside(knex: Knex, table: string): Promise<string[]> {
  const indexes = await plainIndexes(knex, table);
  const { rows } = await knex.raw<{ rows: { conname: string }[] }>(
    `select conname from pg_constraint where conrelid = ?::regclass and contype in ('p', 'u')`,
    [table],
  );
  const { rows: plain } = await knex.raw<{ rows: { name: string }[] }>(
    `select c.relname as name from pg_index i join pg_class c on c.oid = i.indexrelid
      where i.indrelid = ?::regclass and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid)`,
    [table],
  );
  await knex.raw(`alter table ${table} rename to ${table}_old`);
  for (const { conname } of rows) await knex.raw(`alter table ${table}_old drop constraint ${conname}`);
  for (const { name } of plain) await knex.raw(`drop index ${name}`);
  return indexes;
}

async function createPartitions(knex: Knex, table: string): Promise<void> {
  for (let remainder = 0; remainder < MODULUS; remainder++) {
    await knex.raw(`create table ${table}_p${remainder} partition of ${table} for values with (modulus ${MODULUS}, remainder ${remainder})`);
  }
}

const messageColumns = `id, chat_id, seq, sender_uid, message, message_type, format, client_generated_id, reply_to_id,
  reply_root_id, forwarded_from, mentions, file, remind_at, recalled_at, created_at, edited_at, edit_count`;

/** The columns of `messages`, in their order; `search_words` as the search migration made it. */
const messageTable = (name: string, tail: string) => `create table ${name} (
  id bigint not null default nextval('messages_id_seq'::regclass),
  chat_id bigint not null constraint messages_chat_id_foreign references chats (id) on delete cascade,
  seq bigint not null,
  sender_uid char(32) not null constraint messages_sender_uid_foreign references users (uid) on delete cascade,
  message text not null,
  message_type varchar(8) not null constraint messages_type_check check (message_type in ('text', 'emote', 'image', 'file', 'reminder', 'system')),
  format varchar(8) not null default 'plain' constraint messages_format_check check (format in ('plain', 'markdown')),
  client_generated_id varchar(64) not null,
  reply_to_id bigint,
  reply_root_id bigint,
  forwarded_from bigint,
  mentions char(32)[] not null default '{}',
  file jsonb,
  remind_at timestamptz,
  recalled_at timestamptz,
  created_at timestamptz not null default current_timestamp,
  search_words tsvector generated always as (to_tsvector('simple'::regconfig, message)) stored,
  edited_at timestamptz,
  edit_count integer not null default 0
) ${tail}`;

const changeTable = (tail: string) => `create table chat_changes (
  chat_id bigint not null constraint chat_changes_chat_id_foreign references chats (id) on delete cascade,
  cursor bigint not null,
  kind varchar(10) not null constraint chat_changes_kind_check check (kind in ('edit', 'recall', 'reaction', 'pin')),
  message_id bigint not null,
  actor_uid char(32) not null,
  data jsonb not null,
  created_at timestamptz not null default current_timestamp,
  constraint chat_changes_pkey primary key (chat_id, cursor)
) ${tail}`;

export async function up(knex: Knex): Promise<void> {
  for (const [table, constraint] of [['message_reactions', 'message_reactions_message_id_foreign'], ['message_edits', 'message_edits_message_id_foreign'], ['chat_pins', 'chat_pins_message_id_foreign']]) {
    await knex.raw(`alter table ${table} drop constraint ${constraint}`);
  }
  await knex.raw('alter sequence messages_id_seq owned by none');

  const messageIndexes = await setAside(knex, 'messages');
  await knex.raw(messageTable('messages', 'partition by hash (chat_id)'));
  await createPartitions(knex, 'messages');
  await knex.raw(`insert into messages (${messageColumns}) select ${messageColumns} from messages_old`);
  await knex.raw('alter table messages add constraint messages_pkey primary key (chat_id, id)');
  await knex.raw('alter table messages add constraint messages_chat_id_seq_unique unique (chat_id, seq)');
  await knex.raw('create index messages_id on messages (id)');
  for (const def of messageIndexes) await knex.raw(def);
  await knex.raw('alter sequence messages_id_seq owned by messages.id');

  await setAside(knex, 'message_reactions');
  await knex.raw(`create table message_reactions (
    chat_id bigint not null,
    message_id bigint not null,
    uid char(32) not null constraint message_reactions_uid_foreign references users (uid) on delete cascade,
    emoji varchar(32) not null,
    created_at timestamptz not null default current_timestamp,
    constraint message_reactions_pkey primary key (chat_id, message_id, uid, emoji),
    constraint message_reactions_message_foreign foreign key (chat_id, message_id) references messages (chat_id, id) on delete cascade
  ) partition by hash (chat_id)`);
  await createPartitions(knex, 'message_reactions');
  await knex.raw(`insert into message_reactions (chat_id, message_id, uid, emoji, created_at)
    select m.chat_id, r.message_id, r.uid, r.emoji, r.created_at from message_reactions_old r join messages_old m on m.id = r.message_id`);

  await setAside(knex, 'message_edits');
  await knex.raw(`create table message_edits (
    chat_id bigint not null,
    message_id bigint not null,
    version integer not null,
    message text not null,
    format varchar(8) not null,
    written_at timestamptz not null,
    replaced_at timestamptz not null,
    constraint message_edits_pkey primary key (chat_id, message_id, version),
    constraint message_edits_message_foreign foreign key (chat_id, message_id) references messages (chat_id, id) on delete cascade
  ) partition by hash (chat_id)`);
  await createPartitions(knex, 'message_edits');
  await knex.raw(`insert into message_edits (chat_id, message_id, version, message, format, written_at, replaced_at)
    select m.chat_id, e.message_id, e.version, e.message, e.format, e.written_at, e.replaced_at from message_edits_old e join messages_old m on m.id = e.message_id`);

  await setAside(knex, 'chat_changes');
  await knex.raw(changeTable('partition by hash (chat_id)'));
  await createPartitions(knex, 'chat_changes');
  await knex.raw('insert into chat_changes select * from chat_changes_old');

  await knex.raw(`alter table chat_pins add constraint chat_pins_message_foreign
    foreign key (chat_id, message_id) references messages (chat_id, id) on delete cascade`);

  await knex.raw(`create table message_client_ids (
    sender_uid char(32) not null,
    client_generated_id varchar(64) not null,
    chat_id bigint not null,
    message_id bigint not null,
    constraint message_client_ids_pkey primary key (sender_uid, client_generated_id)
  ) partition by hash (sender_uid)`);
  await createPartitions(knex, 'message_client_ids');
  await knex.raw(`insert into message_client_ids (sender_uid, client_generated_id, chat_id, message_id)
    select sender_uid, client_generated_id, chat_id, id from messages`);

  for (const table of ['chat_changes', 'message_edits', 'message_reactions', 'messages']) await knex.raw(`drop table ${table}_old`);
  for (const table of ['messages', 'message_reactions', 'message_edits', 'chat_changes', 'message_client_ids']) await knex.raw(`analyze ${table}`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table message_client_ids');
  await knex.raw('alter table chat_pins drop constraint chat_pins_message_foreign');
  for (const table of ['message_reactions', 'message_edits']) await knex.raw(`alter table ${table} drop constraint ${table}_message_foreign`);
  await knex.raw('alter sequence messages_id_seq owned by none');

  const messageIndexes = (await setAside(knex, 'messages')).filter((def) => !def.startsWith('CREATE INDEX messages_id ON'));
  await knex.raw(messageTable('messages', ''));
  await knex.raw(`insert into messages (${messageColumns}) select ${messageColumns} from messages_old`);
  await knex.raw('alter table messages add constraint messages_pkey primary key (id)');
  await knex.raw('alter table messages add constraint messages_chat_id_seq_unique unique (chat_id, seq)');
  await knex.raw('alter table messages add constraint messages_sender_uid_client_generated_id_unique unique (sender_uid, client_generated_id)');
  for (const def of messageIndexes) await knex.raw(def);
  await knex.raw('alter sequence messages_id_seq owned by messages.id');

  await setAside(knex, 'message_reactions');
  await knex.raw(`create table message_reactions (
    message_id bigint not null constraint message_reactions_message_id_foreign references messages (id) on delete cascade,
    uid char(32) not null constraint message_reactions_uid_foreign references users (uid) on delete cascade,
    emoji varchar(32) not null,
    created_at timestamptz not null default current_timestamp,
    constraint message_reactions_pkey primary key (message_id, uid, emoji)
  )`);
  await knex.raw('insert into message_reactions (message_id, uid, emoji, created_at) select message_id, uid, emoji, created_at from message_reactions_old');

  await setAside(knex, 'message_edits');
  await knex.raw(`create table message_edits (
    message_id bigint not null constraint message_edits_message_id_foreign references messages (id) on delete cascade,
    version integer not null,
    message text not null,
    format varchar(8) not null,
    written_at timestamptz not null,
    replaced_at timestamptz not null,
    constraint message_edits_pkey primary key (message_id, version)
  )`);
  await knex.raw(`insert into message_edits (message_id, version, message, format, written_at, replaced_at)
    select message_id, version, message, format, written_at, replaced_at from message_edits_old`);

  await setAside(knex, 'chat_changes');
  await knex.raw(changeTable(''));
  await knex.raw('insert into chat_changes select * from chat_changes_old');

  await knex.raw(`alter table chat_pins add constraint chat_pins_message_id_foreign foreign key (message_id) references messages (id) on delete cascade`);
  for (const table of ['chat_changes', 'message_edits', 'message_reactions', 'messages']) await knex.raw(`drop table ${table}_old`);
}
