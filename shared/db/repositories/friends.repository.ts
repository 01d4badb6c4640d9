import type { Db } from '../knex.ts';

export type FriendRequestStatus = 'pending' | 'accepted' | 'rejected' | 'cancelled';

export interface FriendRequestRow {
  id: string;
  from_uid: string;
  to_uid: string;
  apply_msg: string;
  status: FriendRequestStatus;
  created_at: Date;
  decided_at: Date | null;
}

export async function findPendingRequest(db: Db, fromUid: string, toUid: string): Promise<FriendRequestRow | undefined> {
  return db<FriendRequestRow>('friend_requests').where({ from_uid: fromUid, to_uid: toUid, status: 'pending' }).first();
}

export async function findRequestForUpdate(db: Db, id: string): Promise<FriendRequestRow | undefined> {
  return db<FriendRequestRow>('friend_requests').where({ id }).forUpdate().first();
}

export async function insertRequest(db: Db, fromUid: string, toUid: string, applyMsg: string): Promise<FriendRequestRow> {
  const [row] = await db<FriendRequestRow>('friend_requests').insert({ from_uid: fromUid, to_uid: toUid, apply_msg: applyMsg }).returning('*');
  return row as FriendRequestRow;
}

export async function decideRequest(db: Db, id: string, status: Exclude<FriendRequestStatus, 'pending'>): Promise<void> {
  await db('friend_requests').where({ id, status: 'pending' }).update({ status, decided_at: db.fn.now() });
}

/** Closes pending requests in both directions between two people (after a block or a new friendship). */
export async function closePendingBetween(db: Db, a: string, b: string, status: 'accepted' | 'cancelled'): Promise<void> {
  await db('friend_requests')
    .where({ status: 'pending' })
    .whereIn(['from_uid', 'to_uid'], [[a, b], [b, a]])
    .update({ status, decided_at: db.fn.now() });
}

export async function listPendingRequests(db: Db, uid: string, direction: 'incoming' | 'outgoing', limit: number) {
  const mine = direction === 'incoming' ? 'r.to_uid' : 'r.from_uid';
  const other = direction === 'incoming' ? 'r.from_uid' : 'r.to_uid';
  return db('friend_requests as r')
    .join('users as u', 'u.uid', other)
    .select<(FriendRequestRow & { username: string; nickname: string; avatar_fid: string | null })[]>('r.*', 'u.username', 'u.nickname', 'u.avatar_fid')
    .where(mine, uid)
    .andWhere('r.status', 'pending')
    .orderBy('r.id', 'desc')
    .limit(limit);
}

export async function areFriends(db: Db, a: string, b: string): Promise<boolean> {
  return (await db('friendships').where({ uid: a, friend_uid: b }).first()) !== undefined;
}

/** Inserts both directions; an existing friendship is left as it is. */
export async function insertFriendship(db: Db, a: string, b: string): Promise<void> {
  await db('friendships').insert([{ uid: a, friend_uid: b }, { uid: b, friend_uid: a }]).onConflict(['uid', 'friend_uid']).ignore();
}

export async function deleteFriendship(db: Db, a: string, b: string): Promise<boolean> {
  const deleted = await db('friendships')
    .where({ uid: a, friend_uid: b })
    .orWhere({ uid: b, friend_uid: a })
    .delete();
  return deleted > 0;
}

export async function listFriends(db: Db, uid: string) {
  return db('friendships as f')
    .join('users as u', 'u.uid', 'f.friend_uid')
    .select<{ uid: string; username: string; nickname: string; avatar_fid: string | null; created_at: Date }[]>(
      'u.uid', 'u.username', 'u.nickname', 'u.avatar_fid', 'f.created_at',
    )
    .where('f.uid', uid)
    .orderBy('u.username');
}

/** True when a and b share a friend or a group: the test of the `mutual` add-friend setting. */
export async function shareFriendOrGroup(db: Db, a: string, b: string): Promise<boolean> {
  const sharedFriend = db('friendships as fa')
    .join('friendships as fb', 'fb.friend_uid', 'fa.friend_uid')
    .where('fa.uid', a)
    .andWhere('fb.uid', b)
    .select(db.raw('1'));
  const sharedGroup = db('chat_members as ma')
    .join('chat_members as mb', 'mb.chat_id', 'ma.chat_id')
    .join('chats as c', 'c.id', 'ma.chat_id')
    .where('ma.uid', a)
    .andWhere('mb.uid', b)
    .andWhere('c.kind', 'group')
    .select(db.raw('1'));
  const { rows } = await db.raw<{ rows: { shared: boolean }[] }>('select exists(?) or exists(?) as shared', [sharedFriend, sharedGroup]);
  return rows[0]?.shared === true;
}
