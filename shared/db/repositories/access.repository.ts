import type { Db } from '../knex.ts';

/** The facts the user state service decides from, each read in one query. */

export interface ChatFacts {
  kind: 'direct' | 'group';
  /** For a direct chat, its two people. */
  directUids: [string, string] | null;
  groupId: string | null;
  muteAll: boolean;
  /** A group's setting letting plain members pin messages. */
  membersCanPin: boolean;
  category: 'small' | 'large' | null;
}

export interface MemberFacts {
  role: 'owner' | 'manager' | 'member' | null;
  mutedUntil: string | null;
}

export interface PairFacts {
  friends: boolean;
  /** Uids (of the two) who block the other. */
  blockers: string[];
}

export async function loadChatFacts(db: Db, chatId: string): Promise<ChatFacts | null> {
  const row = await db('chats as c')
    .leftJoin('groups as g', 'g.chat_id', 'c.id')
    .select<{ kind: 'direct' | 'group'; direct_key: string | null; group_id: string | null; mute_all: boolean | null; members_can_pin: boolean | null; category: 'small' | 'large' | null } | undefined>(
      'c.kind', 'c.direct_key', 'g.id as group_id', 'g.mute_all', 'g.members_can_pin', 'g.category',
    )
    .where('c.id', chatId)
    .first();
  if (!row) return null;
  const direct = row.direct_key?.split(':');
  return {
    kind: row.kind,
    directUids: direct && direct.length === 2 ? [direct[0] as string, direct[1] as string] : null,
    groupId: row.group_id,
    muteAll: row.mute_all ?? false,
    membersCanPin: row.members_can_pin ?? false,
    category: row.category,
  };
}

export async function loadMemberFacts(db: Db, chatId: string, uid: string): Promise<MemberFacts | null> {
  const row = await db('chat_members').select<{ role: MemberFacts['role']; muted_until: Date | null } | undefined>('role', 'muted_until').where({ chat_id: chatId, uid }).first();
  return row ? { role: row.role, mutedUntil: row.muted_until?.toISOString() ?? null } : null;
}

export async function loadPairFacts(db: Db, a: string, b: string): Promise<PairFacts> {
  const { rows } = await db.raw<{ rows: { friends: boolean; blockers: string[] }[] }>(
    `select exists(select 1 from friendships where uid = ? and friend_uid = ?) as friends,
            coalesce((select array_agg(blocker_uid) from blocks
                      where (blocker_uid = ? and blocked_uid = ?) or (blocker_uid = ? and blocked_uid = ?)), '{}') as blockers`,
    [a, b, a, b, b, a],
  );
  const row = rows[0];
  return { friends: row?.friends ?? false, blockers: row?.blockers ?? [] };
}
