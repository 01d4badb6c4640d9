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

/** For a node re-checking every connected user at once: the live sessions, as `uid:client_key`. */
export async function liveSessionKeys(db: Db, uids: readonly string[]): Promise<Set<string>> {
  const keys = new Set<string>();
  for (const chunk of chunks(uids)) {
    const rows = await db('sessions').whereIn('uid', chunk).andWhere('expires_at', '>', db.fn.now()).select<{ uid: string; client_key: string }[]>('uid', 'client_key');
    for (const row of rows) keys.add(`${row.uid}:${row.client_key}`);
  }
  return keys;
}

/** For many users at once: the large groups' chats each is in. */
export async function largeGroupChatsOfUsers(db: Db, uids: readonly string[]): Promise<Map<string, Set<string>>> {
  const byUser = new Map<string, Set<string>>();
  for (const chunk of chunks(uids)) {
    const rows = await db('chat_members as m')
      .join('groups as g', 'g.chat_id', 'm.chat_id')
      .whereIn('m.uid', chunk)
      .andWhere('g.category', 'large')
      .select<{ uid: string; chat_id: string }[]>('m.uid', 'm.chat_id');
    for (const row of rows) byUser.set(row.uid, (byUser.get(row.uid) ?? new Set()).add(row.chat_id));
  }
  return byUser;
}

/** For many users at once: whom each blocks. */
export async function blocksOfUsers(db: Db, uids: readonly string[]): Promise<Map<string, string[]>> {
  const byUser = new Map<string, string[]>();
  for (const chunk of chunks(uids)) {
    const rows = await db('blocks').whereIn('blocker_uid', chunk).select<{ blocker_uid: string; blocked_uid: string }[]>('blocker_uid', 'blocked_uid');
    for (const row of rows) byUser.set(row.blocker_uid, [...(byUser.get(row.blocker_uid) ?? []), row.blocked_uid]);
  }
  return byUser;
}

function* chunks<T>(items: readonly T[], size = 5000): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}
