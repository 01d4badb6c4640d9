import type { Db } from '../knex.ts';

/** Inserts the block; answers false when it already existed. */
export async function insertBlock(db: Db, blockerUid: string, blockedUid: string): Promise<boolean> {
  const rows = await db('blocks').insert({ blocker_uid: blockerUid, blocked_uid: blockedUid }).onConflict(['blocker_uid', 'blocked_uid']).ignore().returning('blocker_uid');
  return rows.length === 1;
}

export async function deleteBlock(db: Db, blockerUid: string, blockedUid: string): Promise<boolean> {
  return (await db('blocks').where({ blocker_uid: blockerUid, blocked_uid: blockedUid }).delete()) === 1;
}

export async function listBlocks(db: Db, blockerUid: string) {
  return db('blocks as b')
    .join('users as u', 'u.uid', 'b.blocked_uid')
    .select<{ uid: string; username: string; nickname: string; created_at: Date }[]>('u.uid', 'u.username', 'u.nickname', 'b.created_at')
    .where('b.blocker_uid', blockerUid)
    .orderBy('b.created_at', 'desc');
}
