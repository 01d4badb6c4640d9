import type { Db } from '../knex.ts';

/** What a collapsed chat push says: how many messages wait, and the newest of them. */
export interface PendingMessages {
  count: number;
  newest: { id: string; seq: string; sender_uid: string; message: string; message_type: string; mentions: string[] } | null;
}

/**
 * Messages of a chat a member has not read nor been pushed: after `afterSeq`, from others, not
 * recalled, not from someone the member blocks; with `mentionsOnly`, only those that mention them.
 */
export async function pendingMessages(db: Db, args: { chatId: string; uid: string; afterSeq: number; mentionsOnly: boolean }): Promise<PendingMessages> {
  const base = db('messages as m')
    .where('m.chat_id', args.chatId)
    .andWhere('m.seq', '>', args.afterSeq)
    .andWhere('m.sender_uid', '<>', args.uid)
    .whereNull('m.recalled_at')
    .whereNotExists(db('blocks as b').where('b.blocker_uid', args.uid).whereRaw('b.blocked_uid = m.sender_uid').select(db.raw('1')));
  if (args.mentionsOnly) base.whereRaw('? = any(m.mentions)', [args.uid]);
  const [[counted], newest] = await Promise.all([
    base.clone().count<{ count: string }[]>({ count: '*' }),
    base.clone().orderBy('m.seq', 'desc').first<PendingMessages['newest'] | undefined>('m.id', 'm.seq', 'm.sender_uid', 'm.message', 'm.message_type', 'm.mentions'),
  ]);
  return { count: Number(counted?.count ?? 0), newest: newest ?? null };
}

/** A member's read pointer, or null when they are not in the chat. */
export async function memberReadSeq(db: Db, chatId: string, uid: string): Promise<number | null> {
  const row = await db('chat_members').where({ chat_id: chatId, uid }).first<{ last_read_seq: string } | undefined>('last_read_seq');
  return row ? Number(row.last_read_seq) : null;
}

/** How a push names a chat and a person: the group's name (null for a direct chat), a display name. */
export async function chatName(db: Db, chatId: string): Promise<string | null> {
  const row = await db('groups').where({ chat_id: chatId }).first<{ name: string } | undefined>('name');
  return row?.name ?? null;
}

export async function displayName(db: Db, uid: string): Promise<string> {
  const row = await db('users').where({ uid }).first<{ username: string; nickname: string | null } | undefined>('username', 'nickname');
  return row?.nickname || row?.username || 'Someone';
}
