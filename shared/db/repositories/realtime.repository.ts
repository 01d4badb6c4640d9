import type { Db } from '../knex.ts';

/** What a realtime node loads when a user connects. */

/** The large groups' chats the user is in: their events arrive on chat channels. */
export async function largeGroupChatsOf(db: Db, uid: string): Promise<string[]> {
  const rows = await db('chat_members as m')
    .join('groups as g', 'g.chat_id', 'm.chat_id')
    .where({ 'm.uid': uid, 'g.category': 'large' })
    .select<{ chat_id: string }[]>('m.chat_id');
  return rows.map((r) => r.chat_id);
}

export async function blockedBy(db: Db, uid: string): Promise<string[]> {
  return (await db('blocks').where({ blocker_uid: uid }).select<{ blocked_uid: string }[]>('blocked_uid')).map((r) => r.blocked_uid);
}

/** The user's friends who do not block them: who hears of their presence. */
export async function presenceAudience(db: Db, uid: string): Promise<string[]> {
  const rows = await db('friendships as f')
    .where('f.uid', uid)
    .whereNotExists(db('blocks as b').whereRaw('b.blocker_uid = f.friend_uid').andWhere('b.blocked_uid', uid))
    .select<{ friend_uid: string }[]>('f.friend_uid');
  return rows.map((r) => r.friend_uid);
}

export async function otherMembers(db: Db, chatId: string, uid: string): Promise<string[]> {
  return (await db('chat_members').where({ chat_id: chatId }).whereNot({ uid }).select<{ uid: string }[]>('uid')).map((r) => r.uid);
}
