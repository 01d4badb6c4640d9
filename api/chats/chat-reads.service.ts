import type { AuthContext } from '../../shared/auth/authenticate.ts';
import { listChatsOf, markRead, type ChatListRow } from '../../shared/db/repositories/chat-list.repository.ts';
import { listMessages, reactionsFor, toMessageView, type MessageRow } from '../../shared/db/repositories/messages.repository.ts';
import type { Db } from '../../shared/db/knex.ts';
import { notFound } from '../../shared/errors.ts';
import { commitWithEffects } from '../../shared/effects/outbox.ts';
import type { ApiDeps } from '../deps.ts';

/** Members read a chat; to everyone else it does not exist (404, like an unknown id). */
async function requireReader(deps: ApiDeps, caller: AuthContext, chatId: string): Promise<void> {
  if (!(await deps.userState.canSeeChat(caller.uid, chatId))) throw notFound('Chat');
}

export async function listChats(deps: ApiDeps, caller: AuthContext, limit: number) {
  const rows = await listChatsOf(await deps.reads.readDb(caller.uid), caller.uid, limit);
  return { chats: rows.map(toChatView) };
}

function toChatView(row: ChatListRow) {
  const last = row.last_message;
  const lastSeq = Number(row.last_seq);
  const lastRead = Number(row.last_read_seq);
  return {
    chat_id: row.chat_id,
    kind: row.kind,
    peer: row.peer_uid ? { uid: row.peer_uid, username: row.peer_username ?? '', nickname: row.peer_nickname ?? '', avatar_fid: row.peer_avatar_fid } : null,
    group: row.group_id ? { id: row.group_id, name: row.group_name ?? '', avatar_fid: row.group_avatar_fid, category: row.group_category ?? 'small' } : null,
    last_seq: lastSeq,
    last_read_seq: lastRead,
    unread_count: Math.max(0, lastSeq - lastRead),
    last_message: last
      ? toMessageView({
          ...last,
          id: String(last.id),
          chat_id: String(last.chat_id),
          seq: String(last.seq),
          reply_to_id: last.reply_to_id === null ? null : String(last.reply_to_id),
          reply_root_id: last.reply_root_id === null ? null : String(last.reply_root_id),
          forwarded_from: last.forwarded_from === null ? null : String(last.forwarded_from),
          created_at: new Date(last.created_at),
          remind_at: last.remind_at === null ? null : new Date(last.remind_at),
          recalled_at: last.recalled_at === null ? null : new Date(last.recalled_at),
          edited_at: last.edited_at === null ? null : new Date(last.edited_at),
        } as MessageRow)
      : null,
    last_activity_at: row.last_activity_at.toISOString(),
    change_cursor: Number(row.last_change),
  };
}

/**
 * A page of messages: newest first (optionally before a message id), or with `after` a seq, the
 * next ones in order — the gap fill after a reconnect.
 *
 * History pages read the replica when there is one (read-your-writes: shared/db/read-routing.ts); a
 * gap fill reads the primary, since it fetches what live frames just announced.
 */
export async function getMessages(deps: ApiDeps, caller: AuthContext, chatId: string, query: { before?: string | undefined; after?: number | undefined; max: number }) {
  await requireReader(deps, caller, chatId);
  const db = query.after === undefined ? await deps.reads.readDb(caller.uid) : deps.db;
  const before = query.before === undefined ? undefined : await seqOfMessage(db, chatId, query.before);
  const rows = await listMessages(db, { chatId, viewerUid: caller.uid, max: query.max + 1, before, after: query.after });
  const page = rows.slice(0, query.max);
  const reactions = await reactionsFor(db, page);
  return { messages: page.map((r) => toMessageView(r, reactions.get(r.id) ?? [])), has_more: rows.length > query.max };
}

/** `before` is a message id, as the API document has it; paging works on its seq. */
async function seqOfMessage(db: Db, chatId: string, messageId: string): Promise<number> {
  const row = await db('messages').select<{ seq: string } | undefined>('seq').where({ id: messageId, chat_id: chatId }).first();
  if (!row) throw notFound('Message');
  return Number(row.seq);
}

export async function readChat(deps: ApiDeps, caller: AuthContext, chatId: string, seq: number) {
  await requireReader(deps, caller, chatId);
  const state = await commitWithEffects(deps, async (trx, effects) => {
    const moved = await markRead(trx, chatId, caller.uid, seq);
    if (!moved) throw notFound('Chat');
    effects.push({ kind: 'read', uid: caller.uid, chat_id: chatId, seq: Number(moved.last_read_seq) });
    return moved;
  });
  const lastRead = Number(state.last_read_seq);
  return { chat_id: chatId, last_read_seq: lastRead, unread_count: Math.max(0, Number(state.last_seq) - lastRead) };
}
