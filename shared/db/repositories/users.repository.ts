import type { Db } from '../knex.ts';

export type AddFriendSetting = 'anyone' | 'verify' | 'mutual' | 'nobody';
export const ADD_FRIEND_SETTINGS = ['anyone', 'verify', 'mutual', 'nobody'] as const;

export interface UserRow {
  uid: string;
  username: string;
  password_hash: string;
  secret_key: string;
  nickname: string;
  avatar_fid: string | null;
  bio: string;
  sr_link: string | null;
  add_friend_setting: AddFriendSetting;
  created_at: Date;
  updated_at: Date;
}

export type ProfileFields = Pick<UserRow, 'nickname' | 'avatar_fid' | 'bio' | 'sr_link' | 'add_friend_setting'>;
export type PublicUser = Pick<UserRow, 'uid' | 'username' | 'nickname' | 'avatar_fid' | 'bio' | 'sr_link'>;

const PUBLIC_COLUMNS: (keyof PublicUser)[] = ['uid', 'username', 'nickname', 'avatar_fid', 'bio', 'sr_link'];

export async function insertUser(
  db: Db,
  user: Pick<UserRow, 'uid' | 'username' | 'password_hash' | 'secret_key' | 'nickname'>,
): Promise<UserRow> {
  const [row] = await db<UserRow>('users').insert(user).returning('*');
  return row as UserRow;
}

export async function findUserByUsername(db: Db, username: string): Promise<UserRow | undefined> {
  return db<UserRow>('users').whereRaw('lower(username) = lower(?)', [username]).first();
}

export async function findUserByUid(db: Db, uid: string): Promise<UserRow | undefined> {
  return db<UserRow>('users').where({ uid }).first();
}

export async function findPublicUser(db: Db, uid: string): Promise<PublicUser | undefined> {
  return db<UserRow>('users').select(PUBLIC_COLUMNS).where({ uid }).first();
}

export async function updateProfile(db: Db, uid: string, fields: Partial<ProfileFields>): Promise<UserRow | undefined> {
  const [row] = await db<UserRow>('users')
    .where({ uid })
    .update({ ...fields, updated_at: db.fn.now() as unknown as Date })
    .returning('*');
  return row;
}

export async function setSecretKey(db: Db, uid: string, secretKey: string): Promise<void> {
  await db('users').where({ uid }).update({ secret_key: secretKey, updated_at: db.fn.now() });
}

/** Users whose username starts with `prefix` (case-insensitive), in username order, after `afterUsername`. */
export async function searchUsersByPrefix(
  db: Db,
  prefix: string,
  limit: number,
  afterUsername?: string,
): Promise<PublicUser[]> {
  const escaped = prefix.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
  const query = db<UserRow>('users')
    .select(PUBLIC_COLUMNS)
    .whereRaw(`lower(username) like ? escape '\\'`, [`${escaped}%`])
    .orderByRaw('lower(username)')
    .limit(limit);
  if (afterUsername !== undefined) query.andWhereRaw('lower(username) > lower(?)', [afterUsername]);
  return query;
}
