import type { Db } from '../knex.ts';
import { isBigintId } from '../../validation/ids.ts';

/** The facts the user state service decides from, each kind read for many keys in one query. */

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

interface ChatFactsRow {
  id: string;
  kind: 'direct' | 'group';
  direct_key: string | null;
  group_id: string | null;
  mute_all: boolean | null;
  members_can_pin: boolean | null;
  category: 'small' | 'large' | null;
}

const chatFactsOf = (row: ChatFactsRow): ChatFacts => {
  const direct = row.direct_key?.split(':');
  return {
    kind: row.kind,
    directUids: direct && direct.length === 2 ? [direct[0] as string, direct[1] as string] : null,
    groupId: row.group_id,
    muteAll: row.mute_all ?? false,
    membersCanPin: row.members_can_pin ?? false,
    category: row.category,
  };
};

/** The facts of each chat, in the order asked (null: no such chat). */
export async function loadChatFactsMany(db: Db, chatIds: readonly string[]): Promise<(ChatFacts | null)[]> {
  const ids = [...new Set(chatIds.filter(isBigintId))];
  const rows = ids.length === 0 ? [] : await db('chats as c')
    .leftJoin('groups as g', 'g.chat_id', 'c.id')
    .select<ChatFactsRow[]>('c.id', 'c.kind', 'c.direct_key', 'g.id as group_id', 'g.mute_all', 'g.members_can_pin', 'g.category')
    .whereRaw('c.id = any(?::bigint[])', [ids]);
  const byId = new Map(rows.map((row) => [row.id, chatFactsOf(row)]));
  return chatIds.map((id) => byId.get(id) ?? null);
}

/** The facts of each (chat, member), in the order asked (null: not a member). */
export async function loadMemberFactsMany(db: Db, keys: readonly { chatId: string; uid: string }[]): Promise<(MemberFacts | null)[]> {
  // Each key travels with its position; ids that are not ids are not asked (no row), so they fail nothing else.
  const asked = keys.flatMap((k, i) => (isBigintId(k.chatId) ? [{ ...k, i }] : []));
  const { rows } = asked.length === 0 ? { rows: [] } : await db.raw<{ rows: { i: number; role: MemberFacts['role']; muted_until: Date | null }[] }>(
    `select k.i, m.role, m.muted_until
       from unnest(?::bigint[], ?::bpchar[], ?::int[]) as k(chat_id, uid, i)
       join chat_members m on m.chat_id = k.chat_id and m.uid = k.uid`,
    [asked.map((k) => k.chatId), asked.map((k) => k.uid), asked.map((k) => k.i)],
  );
  const byPosition = new Map(rows.map((row) => [row.i, { role: row.role, mutedUntil: row.muted_until?.toISOString() ?? null }]));
  return keys.map((_, i) => byPosition.get(i) ?? null);
}

/** Whether `a` counts `b` as a friend, and who of the two blocks the other, for each pair in the order asked. */
export async function loadPairFactsMany(db: Db, pairs: readonly (readonly [string, string])[]): Promise<PairFacts[]> {
  if (pairs.length === 0) return [];
  const { rows } = await db.raw<{ rows: { i: number; friends: boolean; blockers: string[] }[] }>(
    `select k.i,
            exists(select 1 from friendships where uid = k.a and friend_uid = k.b) as friends,
            coalesce((select array_agg(blocker_uid) from blocks
                      where (blocker_uid = k.a and blocked_uid = k.b) or (blocker_uid = k.b and blocked_uid = k.a)), '{}') as blockers
       from unnest(?::bpchar[], ?::bpchar[], ?::int[]) as k(a, b, i)`,
    [pairs.map(([a]) => a), pairs.map(([, b]) => b), pairs.map((_, i) => i)],
  );
  const byPosition = new Map(rows.map((row) => [row.i, { friends: row.friends, blockers: row.blockers }]));
  return pairs.map((_, i) => byPosition.get(i) ?? { friends: false, blockers: [] });
}

/** One pair's facts (inside a transaction that is about to change them, say). */
export async function loadPairFacts(db: Db, a: string, b: string): Promise<PairFacts> {
  return (await loadPairFactsMany(db, [[a, b]]))[0] as PairFacts;
}
