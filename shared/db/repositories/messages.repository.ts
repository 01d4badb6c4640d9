import { runNamed, type Db } from '../knex.ts';

export type MessageType = 'text' | 'emote' | 'image' | 'file' | 'reminder' | 'system';

export interface FileMeta {
  fid: string;
  name: string;
  size: number;
  mime: string;
  /** An image's displayed size; null otherwise (and on messages stored before sizes were kept). */
  width: number | null;
  height: number | null;
}

export interface MessageRow {
  id: string;
  chat_id: string;
  seq: string;
  sender_uid: string;
  message: string;
  message_type: MessageType;
  format: 'plain' | 'markdown';
  client_generated_id: string;
  reply_to_id: string | null;
  reply_root_id: string | null;
  forwarded_from: string | null;
  mentions: string[];
  file: FileMeta | null;
  remind_at: Date | null;
  recalled_at: Date | null;
  created_at: Date;
  edited_at: Date | null;
  edit_count: number;
}

export type NewMessage = Omit<MessageRow, 'id' | 'seq' | 'recalled_at' | 'created_at' | 'edited_at' | 'edit_count'>;

/** A message of a chat: the lookup that reads the chat's partition only. */
export async function findMessage(db: Db, chatId: string, id: string): Promise<MessageRow | undefined> {
  return db<MessageRow>('messages').where({ chat_id: chatId, id }).first();
}

/**
 * A message by id alone, in whichever chat: one index probe per partition (`messages_id`). Only for
 * what names no chat: a forwarded message's source, a recall (its route takes the id only), a
 * reminder queued before its job named the chat.
 */
export async function findMessageAnywhere(db: Db, id: string): Promise<MessageRow | undefined> {
  return db<MessageRow>('messages').where({ id }).first();
}

/**
 * Messages by id, in chat and seq order (ids that no longer exist are left out). `chatIds`, the chats
 * they are in, keeps the lookup to those chats' partitions; without it every partition is probed.
 */
export async function findMessages(db: Db, ids: readonly string[], chatIds?: readonly string[]): Promise<MessageRow[]> {
  if (ids.length === 0) return [];
  const query = db<MessageRow>('messages').whereIn('id', ids);
  if (chatIds !== undefined) query.whereIn('chat_id', chatIds);
  return query.orderBy([{ column: 'chat_id' }, { column: 'seq' }]);
}

/**
 * Messages already stored under these (sender, client_generated_id) pairs. The pairs are unique per
 * sender across chats, so they are kept in `message_client_ids` (partitioned by sender), beside the
 * messages (partitioned by chat).
 */
export async function findByClientIds(db: Db, keys: readonly { sender_uid: string; client_generated_id: string }[]): Promise<MessageRow[]> {
  if (keys.length === 0) return [];
  // Statements of one text whatever the batch's size (the server plans each new text afresh, across
  // every partition); the messages are read only for pairs already claimed, which only retries have.
  const { rows: claimed } = await db.raw<{ rows: { chat_id: string; message_id: string }[] }>(
    `select k.chat_id, k.message_id from message_client_ids k
     join unnest(?::char(32)[], ?::varchar(64)[]) as w(sender_uid, client_generated_id)
       on k.sender_uid = w.sender_uid and k.client_generated_id = w.client_generated_id`,
    [keys.map((k) => k.sender_uid), keys.map((k) => k.client_generated_id)],
  );
  if (claimed.length === 0) return [];
  const { rows } = await db.raw<{ rows: MessageRow[] }>(
    `select m.* from messages m join unnest(?::bigint[], ?::bigint[]) as w(chat_id, id) on m.chat_id = w.chat_id and m.id = w.id`,
    [claimed.map((k) => k.chat_id), claimed.map((k) => k.message_id)],
  );
  return rows;
}

/** A stored batch: its rows, and the outbox row recorded with them (shared/effects/outbox.ts), its effects as written. */
export interface StoredBatch {
  inserted: MessageRow[];
  outbox: { id: string; behind: boolean; effects: unknown };
}

/**
 * Stores new messages as the send path does, in one statement, so that on its own (autocommit) it is
 * one round trip and one commit: each message takes the next seq of its chat (no gaps, in the order
 * given), its (sender, client_generated_id) pair is claimed, each sender's read pointer moves to their
 * own newest message (what you sent, you have read), and one outbox row records the batch's `sent`
 * effect (shared/contracts/effects.ts), `behind` a row whose delivery failed within `orderWindowMs`.
 *
 * A pair already claimed fails the whole statement with a unique violation on `message_client_ids`
 * (`isClaimedClientId`): nothing is stored, and the caller looks the stored ones up. The batch's chats
 * are locked first, in id order (`locked`: a row is updated only once that scan has returned it), so
 * concurrent batches touching the same chats cannot deadlock.
 */
export async function storeMessages(db: Db, messages: readonly NewMessage[], orderWindowMs: number): Promise<StoredBatch | null> {
  if (messages.length === 0) return null;
  const counts = new Map<string, number>();
  const offsets = messages.map((m) => {
    const offset = counts.get(m.chat_id) ?? 0;
    counts.set(m.chat_id, offset + 1);
    return offset;
  });
  const chatIds = [...counts.keys()].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
  const column = <T>(pick: (m: NewMessage) => T) => messages.map(pick);
  const stored = await runNamed<MessageRow & { outbox_id: string; outbox_behind: boolean; outbox_effects: unknown }>(db, 'store_messages', STORE_MESSAGES, [
    chatIds,
    chatIds,
    chatIds.map((id) => counts.get(id) as number),
    offsets,
    column((m) => m.chat_id),
    column((m) => m.sender_uid),
    column((m) => m.client_generated_id),
    column((m) => m.message),
    column((m) => m.message_type),
    column((m) => m.format),
    column((m) => m.reply_to_id),
    column((m) => m.reply_root_id),
    column((m) => m.forwarded_from),
    column((m) => JSON.stringify(m.mentions)),
    column((m) => (m.file === null ? null : JSON.stringify(m.file))),
    column((m) => m.remind_at),
    chatIds,
    orderWindowMs / 1000,
  ]);
  const first = stored[0];
  if (!first || stored.length !== messages.length) throw new Error(`the batch stored ${stored.length} rows of ${messages.length}`);
  return {
    inserted: stored.map(({ outbox_id: _id, outbox_behind: _behind, outbox_effects: _effects, ...row }) => row),
    outbox: { id: String(first.outbox_id), behind: first.outbox_behind, effects: first.outbox_effects },
  };
}

/** The columns of a `MessageRow`, as statements that return messages name them (not the search column). */
const MESSAGE_COLUMNS = `id, chat_id, seq, sender_uid, message, message_type, format, client_generated_id, reply_to_id,
  reply_root_id, forwarded_from, mentions, file, remind_at, recalled_at, created_at, edited_at, edit_count`;

/**
 * `storeMessages` as one statement of one text whatever the batch holds: the messages come as one
 * array per column, in the batch's order (ids are drawn in that order), each with its place among
 * its chat's new messages. Text columns come as `text`, so a value too long for its column fails the
 * statement (an explicit cast would cut it). A message whose chat is gone (a group deleted since the
 * gate) gets no seq, which fails the whole statement: nothing of the batch is stored.
 */
const STORE_MESSAGES = `with locked as (
   select id from chats where id = any(?::bigint[]) order by id for update
 ), seqs as (
   update chats c set last_seq = c.last_seq + v.n, last_activity_at = now()
   from unnest(?::bigint[], ?::int[]) as v(id, n) join locked l on l.id = v.id
   where c.id = v.id returning c.id, c.last_seq - v.n + 1 as first_seq
 ), batch as (
   select * from unnest(?::int[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                        ?::bigint[], ?::bigint[], ?::bigint[], ?::jsonb[], ?::jsonb[], ?::timestamptz[]) with ordinality
     as b(seq_offset, chat_id, sender_uid, client_generated_id, message, message_type, format,
          reply_to_id, reply_root_id, forwarded_from, mentions, file, remind_at, position)
 ), m as (
   insert into messages (chat_id, seq, sender_uid, client_generated_id, message, message_type, format,
                         reply_to_id, reply_root_id, forwarded_from, mentions, file, remind_at)
   select b.chat_id, s.first_seq + b.seq_offset, b.sender_uid, b.client_generated_id, b.message, b.message_type, b.format,
          b.reply_to_id, b.reply_root_id, b.forwarded_from,
          array(select u.uid from jsonb_array_elements_text(b.mentions) with ordinality as u(uid, n) order by u.n)::char(32)[],
          b.file, b.remind_at
     from batch b left join seqs s on s.id = b.chat_id
    order by b.position
   returning ${MESSAGE_COLUMNS}
 ), k as (
   insert into message_client_ids (sender_uid, client_generated_id, chat_id, message_id)
   select sender_uid, client_generated_id, chat_id, id from m
 ), read as (
   update chat_members cm set last_read_seq = greatest(cm.last_read_seq, own.seq)
   from (select chat_id, sender_uid, max(seq) as seq from m group by chat_id, sender_uid) as own
   where cm.chat_id = own.chat_id and cm.uid = own.sender_uid
 ), o as (
   insert into outbox (effects)
   select jsonb_build_array(jsonb_build_object(
     'kind', 'sent', 'msg_ids', jsonb_agg(m.id::text order by m.chat_id, m.seq), 'chat_ids', to_jsonb(?::bigint[]::text[])))
   from m
   returning id, effects, exists (select 1 from outbox f where f.attempts > 0 and f.created_at > now() - make_interval(secs => ?)) as behind
 )
 select m.*, o.id as outbox_id, o.behind as outbox_behind,
        case when row_number() over (order by m.chat_id, m.seq) = 1 then o.effects end as outbox_effects
   from m, o order by m.chat_id, m.seq`;

/** Whether a store failed because a (sender, client_generated_id) pair was already claimed. */
export function isClaimedClientId(err: unknown): boolean {
  const pg = err as { code?: unknown; table?: unknown };
  return pg.code === '23505' && typeof pg.table === 'string' && pg.table.startsWith('message_client_ids');
}

/**
 * A page of a chat as `viewerUid` may see it: newest first before a seq, or oldest first after one.
 * Messages from senders the viewer blocks are left out.
 */
export async function listMessages(
  db: Db,
  args: { chatId: string; viewerUid: string; max: number; before?: number | undefined; after?: number | undefined },
): Promise<MessageRow[]> {
  const query = db<MessageRow>('messages')
    .where('chat_id', args.chatId)
    .whereNotIn('sender_uid', db('blocks').select('blocked_uid').where('blocker_uid', args.viewerUid))
    .limit(args.max);
  if (args.after !== undefined) return query.andWhere('seq', '>', args.after).orderBy('seq', 'asc');
  if (args.before !== undefined) query.andWhere('seq', '<', args.before);
  return query.orderBy('seq', 'desc');
}

/** Erases a message's content, keeping its place (id, seq) in the chat. */
export async function recallMessage(trx: Db, chatId: string, id: string): Promise<MessageRow | undefined> {
  const [row] = await trx<MessageRow>('messages')
    .where({ chat_id: chatId, id })
    .whereNull('recalled_at')
    .update({ recalled_at: trx.fn.now() as unknown as Date, message: '', file: null, mentions: trx.raw(`'{}'::char(32)[]`) as unknown as string[] })
    .returning('*');
  return row;
}

export interface ReactionSummary {
  emoji: string;
  count: number;
  uids: string[];
}

/** The reactions of these messages, read from their chats' partitions only. */
export async function reactionsFor(db: Db, messages: readonly Pick<MessageRow, 'id' | 'chat_id'>[]): Promise<Map<string, ReactionSummary[]>> {
  const byMessage = new Map<string, ReactionSummary[]>();
  if (messages.length === 0) return byMessage;
  const rows = await db('message_reactions')
    .select<{ message_id: string; emoji: string; uids: string[] }[]>('message_id', 'emoji', db.raw('array_agg(uid order by created_at) as uids'))
    .whereIn('chat_id', [...new Set(messages.map((m) => m.chat_id))])
    .whereIn('message_id', messages.map((m) => m.id))
    .groupBy('message_id', 'emoji')
    .orderByRaw('min(created_at)');
  for (const row of rows) {
    const list = byMessage.get(row.message_id) ?? [];
    list.push({ emoji: row.emoji, count: row.uids.length, uids: row.uids });
    byMessage.set(row.message_id, list);
  }
  return byMessage;
}

export async function addReaction(db: Db, message: Pick<MessageRow, 'id' | 'chat_id'>, uid: string, emoji: string): Promise<boolean> {
  const rows = await db('message_reactions')
    .insert({ chat_id: message.chat_id, message_id: message.id, uid, emoji })
    .onConflict(['chat_id', 'message_id', 'uid', 'emoji'])
    .ignore()
    .returning('uid');
  return rows.length === 1;
}

export async function removeReaction(db: Db, message: Pick<MessageRow, 'id' | 'chat_id'>, uid: string, emoji: string): Promise<boolean> {
  return (await db('message_reactions').where({ chat_id: message.chat_id, message_id: message.id, uid, emoji }).delete()) === 1;
}

/** The message object clients see. A recalled message keeps its place but not its content. */
export function toMessageView(row: MessageRow, reactions: ReactionSummary[] = []) {
  return {
    id: row.id,
    chat_id: row.chat_id,
    seq: Number(row.seq),
    sender_uid: row.sender_uid,
    message: row.message,
    message_type: row.message_type,
    format: row.format,
    client_generated_id: row.client_generated_id,
    reply_to_id: row.reply_to_id,
    reply_root_id: row.reply_root_id,
    forwarded_from: row.forwarded_from,
    mentions: row.mentions,
    reactions,
    file: row.file && { ...row.file, width: row.file.width ?? null, height: row.file.height ?? null },
    remind_at: row.remind_at?.toISOString() ?? null,
    recalled: row.recalled_at !== null,
    created_at: row.created_at.toISOString(),
    edited_at: row.edited_at?.toISOString() ?? null,
    edit_count: row.edit_count,
  };
}

export type MessageView = ReturnType<typeof toMessageView>;
