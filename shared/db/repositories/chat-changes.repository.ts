import type { ChangeKind, ServerFrames, changeEvents } from '../../../client/src/protocol/frames.ts';
import type { ChangeData } from '../../contracts/changes.ts';
import type { Db } from '../knex.ts';

/**
 * A chat's change feed. The cursor comes from `chats.last_change`, bumped by `recordChange` in the
 * change's own transaction: the UPDATE holds the chat's row lock until commit, so cursors of one
 * chat commit in order and a reader never sees a higher cursor while a lower one is still to
 * commit. The lock is taken as late as possible — after the change's own writes — so it is held
 * only from the record to the commit. A change that must decide under the lock (the pin count, a
 * reaction tally that must include every earlier change) calls `lockChatForChange` first.
 * Lock order: a change's message row (KEY SHARE through a foreign key, or NO KEY UPDATE), then the
 * chat row; pins take the chat row, then KEY SHARE on the message, which no NO KEY UPDATE blocks —
 * so no two change transactions wait on each other in a cycle, nor on a send (which locks chats only).
 */
export async function lockChatForChange(trx: Db, chatId: string): Promise<boolean> {
  const rows = await trx('chats').select('id').where({ id: chatId }).forUpdate();
  return rows.length === 1;
}

export interface RecordedChange<K extends ChangeKind = ChangeKind> {
  chatId: string;
  cursor: number;
  kind: K;
  actorUid: string;
  data: ServerFrames[(typeof changeEvents)[K]];
}

/** Records one change with the next cursor of its chat; answers it with its frame data. Call under `lockChatForChange`. */
export async function recordChange<K extends ChangeKind>(
  trx: Db,
  args: { chatId: string; kind: K; messageId: string; actorUid: string; data: ChangeData<K> },
): Promise<RecordedChange<K>> {
  const [bumped] = await trx('chats').where({ id: args.chatId }).increment('last_change', 1).returning<{ last_change: string }[]>('last_change');
  if (!bumped) throw new Error(`chat ${args.chatId} vanished while recording a change`);
  const cursor = Number(bumped.last_change);
  const data = { chat_id: args.chatId, ...args.data, cursor } as ServerFrames[(typeof changeEvents)[K]];
  await trx('chat_changes').insert({ chat_id: args.chatId, cursor, kind: args.kind, message_id: args.messageId, actor_uid: args.actorUid, data: JSON.stringify(data) });
  return { chatId: args.chatId, cursor, kind: args.kind, actorUid: args.actorUid, data };
}

export interface ChangeRow {
  chat_id: string;
  cursor: string;
  kind: ChangeKind;
  actor_uid: string;
  data: Record<string, unknown>;
  /** Whether the change's message has been recalled since (an edit's text is then not shown). */
  message_recalled: boolean;
}

export async function findChange(db: Db, chatId: string, cursor: number): Promise<ChangeRow | undefined> {
  const [row] = await changesQuery(db).where({ 'cc.chat_id': chatId, 'cc.cursor': cursor });
  return row;
}

/** Changes after `since`, in order, leaving out those by people the viewer blocks. */
export async function listChanges(db: Db, args: { chatId: string; viewerUid: string; since: number; max: number }): Promise<ChangeRow[]> {
  return changesQuery(db)
    .where('cc.chat_id', args.chatId)
    .andWhere('cc.cursor', '>', args.since)
    .whereNotIn('cc.actor_uid', db('blocks').select('blocked_uid').where('blocker_uid', args.viewerUid))
    .orderBy('cc.cursor', 'asc')
    .limit(args.max);
}

function changesQuery(db: Db) {
  return db('chat_changes as cc')
    .leftJoin('messages as m', (on) => on.on('m.chat_id', 'cc.chat_id').andOn('m.id', 'cc.message_id'))
    .select<ChangeRow[]>('cc.chat_id', 'cc.cursor', 'cc.kind', 'cc.actor_uid', 'cc.data', db.raw('(m.recalled_at is not null) as message_recalled'));
}
