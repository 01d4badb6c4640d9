import type { Db } from '../knex.ts';

export type GroupRole = 'owner' | 'manager' | 'member';
export type Visibility = 'public' | 'private';
export type JoinRule = 'open' | 'approval' | 'invite_only';
export type Category = 'small' | 'large';

export interface GroupRow {
  id: string;
  chat_id: string;
  name: string;
  avatar_fid: string | null;
  description: string;
  announcement: string;
  visibility: Visibility;
  join_rule: JoinRule;
  category: Category;
  mute_all: boolean;
  /** Whether plain members may pin messages (owner and managers always may). */
  members_can_pin: boolean;
  member_count: number;
  created_at: Date;
  updated_at: Date;
}

export type GroupProfileFields = Pick<GroupRow, 'name' | 'avatar_fid' | 'description' | 'announcement' | 'visibility' | 'join_rule' | 'category' | 'mute_all' | 'members_can_pin'>;

export interface MemberRow {
  uid: string;
  role: GroupRole;
  muted_until: Date | null;
  joined_at: Date;
}

export async function insertGroup(db: Db, group: Partial<GroupProfileFields> & { chat_id: string; name: string }): Promise<GroupRow> {
  const [row] = await db<GroupRow>('groups').insert(group).returning('*');
  return row as GroupRow;
}

export async function findGroup(db: Db, id: string, options: { forUpdate?: boolean } = {}): Promise<GroupRow | undefined> {
  const query = db<GroupRow>('groups').where({ id }).first();
  return options.forUpdate ? query.forUpdate() : query;
}

export async function updateGroup(db: Db, id: string, fields: Partial<GroupProfileFields>): Promise<GroupRow> {
  const [row] = await db<GroupRow>('groups').where({ id }).update({ ...fields, updated_at: db.fn.now() as unknown as Date }).returning('*');
  return row as GroupRow;
}

/**
 * Deletes the group's chat; the group, its members, applications and messages go with it, and in
 * the same statement the messages' client ids (kept apart from them, without a foreign key), so
 * their senders may use those ids again. Run it in a transaction: the chat stays locked until it ends.
 */
export async function deleteGroupAndChat(trx: Db, group: GroupRow): Promise<void> {
  // A send claims its client ids holding the chat's row (messages.repository.ts `storeMessages`).
  // Locking the row first lets the sends that hold it commit before the statement below reads the
  // messages, so their claims go too; a send that comes later finds no chat.
  await trx('chats').where({ id: group.chat_id }).forUpdate().select('id');
  await trx.raw(
    `with client_ids as (
       delete from message_client_ids k using messages m
        where m.chat_id = :chat and k.sender_uid = m.sender_uid and k.client_generated_id = m.client_generated_id
     )
     delete from chats where id = :chat`,
    { chat: group.chat_id },
  );
}

export async function findOwnerUid(db: Db, chatId: string): Promise<string | undefined> {
  return (await db('chat_members').select<{ uid: string } | undefined>('uid').where({ chat_id: chatId, role: 'owner' }).first())?.uid;
}

export async function listGroupsOf(db: Db, uid: string) {
  return db('groups as g')
    .join('chat_members as m', 'm.chat_id', 'g.chat_id')
    .select<(GroupRow & { my_role: GroupRole })[]>('g.*', 'm.role as my_role')
    .where('m.uid', uid)
    .orderBy('g.id', 'desc');
}

export async function searchPublicGroups(db: Db, q: string, limit: number, afterId?: string): Promise<GroupRow[]> {
  const escaped = q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
  const query = db<GroupRow>('groups')
    .where('visibility', 'public')
    .andWhereRaw(`lower(name) like ? escape '\\'`, [`${escaped}%`])
    .orderBy('id', 'asc')
    .limit(limit);
  if (afterId !== undefined) query.andWhere('id', '>', afterId);
  return query;
}

export async function findMember(db: Db, chatId: string, uid: string): Promise<MemberRow | undefined> {
  return db('chat_members').select<MemberRow | undefined>('uid', 'role', 'muted_until', 'joined_at').where({ chat_id: chatId, uid }).first();
}

/** Members in uid order after `afterUid`, with their public profile. */
export async function listMembers(db: Db, chatId: string, limit: number, afterUid?: string) {
  const query = db('chat_members as m')
    .join('users as u', 'u.uid', 'm.uid')
    .select<(MemberRow & { username: string; nickname: string; avatar_fid: string | null })[]>(
      'm.uid', 'm.role', 'm.muted_until', 'm.joined_at', 'u.username', 'u.nickname', 'u.avatar_fid',
    )
    .where('m.chat_id', chatId)
    .orderBy('m.uid')
    .limit(limit);
  if (afterUid !== undefined) query.andWhere('m.uid', '>', afterUid);
  return query;
}

export async function memberUids(db: Db, chatId: string, roles?: readonly GroupRole[]): Promise<string[]> {
  const query = db('chat_members').select<{ uid: string }[]>('uid').where({ chat_id: chatId });
  if (roles) query.whereIn('role', roles);
  return (await query).map((r) => r.uid);
}

/** Adds members (existing ones are left alone) and keeps the group's member_count; answers who was added. */
export async function addMembers(db: Db, group: GroupRow, uids: readonly string[], role: GroupRole): Promise<string[]> {
  if (uids.length === 0) return [];
  const added = await db('chat_members')
    .insert(uids.map((uid) => ({ chat_id: group.chat_id, uid, role })))
    .onConflict(['chat_id', 'uid'])
    .ignore()
    .returning<{ uid: string }[]>('uid');
  if (added.length > 0) await db('groups').where({ id: group.id }).increment('member_count', added.length);
  return added.map((r) => r.uid);
}

export async function removeMember(db: Db, group: GroupRow, uid: string): Promise<boolean> {
  const removed = await db('chat_members').where({ chat_id: group.chat_id, uid }).delete();
  if (removed > 0) await db('groups').where({ id: group.id }).decrement('member_count', removed);
  return removed > 0;
}

export async function setRole(db: Db, chatId: string, uid: string, role: GroupRole): Promise<void> {
  await db('chat_members').where({ chat_id: chatId, uid }).update({ role });
}

export async function setMutedUntil(db: Db, chatId: string, uid: string, until: Date | null): Promise<void> {
  await db('chat_members').where({ chat_id: chatId, uid }).update({ muted_until: until });
}

/** Clears a mute only if it is still the one that was set to end at `until`. */
export async function liftMuteIfDue(db: Db, chatId: string, uid: string, until: Date): Promise<boolean> {
  return (await db('chat_members').where({ chat_id: chatId, uid, muted_until: until }).update({ muted_until: null })) === 1;
}

export interface ApplicationRow {
  id: string;
  group_id: string;
  applicant_uid: string;
  apply_msg: string;
  status: 'pending' | 'approved' | 'rejected';
  created_at: Date;
}

export async function findPendingApplication(db: Db, groupId: string, uid: string): Promise<ApplicationRow | undefined> {
  return db<ApplicationRow>('group_applications').where({ group_id: groupId, applicant_uid: uid, status: 'pending' }).first();
}

export async function insertApplication(db: Db, groupId: string, uid: string, applyMsg: string): Promise<ApplicationRow> {
  const [row] = await db<ApplicationRow>('group_applications').insert({ group_id: groupId, applicant_uid: uid, apply_msg: applyMsg }).returning('*');
  return row as ApplicationRow;
}

export async function findApplicationForUpdate(db: Db, id: string): Promise<ApplicationRow | undefined> {
  return db<ApplicationRow>('group_applications').where({ id }).forUpdate().first();
}

export async function decideApplication(db: Db, id: string, status: 'approved' | 'rejected', decidedBy: string): Promise<void> {
  await db('group_applications').where({ id }).update({ status, decided_by: decidedBy, decided_at: db.fn.now() });
}

export async function listPendingApplications(db: Db, groupId: string) {
  return db('group_applications as a')
    .join('users as u', 'u.uid', 'a.applicant_uid')
    .select<(ApplicationRow & { username: string; nickname: string })[]>('a.*', 'u.username', 'u.nickname')
    .where({ 'a.group_id': groupId, 'a.status': 'pending' })
    .orderBy('a.id');
}
