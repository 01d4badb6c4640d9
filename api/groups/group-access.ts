import type { Db } from '../../shared/db/knex.ts';
import { findGroup, findMember, findOwnerUid, type GroupRole, type GroupRow, type MemberRow } from '../../shared/db/repositories/groups.repository.ts';
import { forbidden, notFound } from '../../shared/errors.ts';

const RANK: Record<GroupRole, number> = { owner: 3, manager: 2, member: 1 };

/** A group as one caller sees it, with the caller's membership (undefined for outsiders). */
export interface GroupContext {
  group: GroupRow;
  actor: MemberRow | undefined;
}

/**
 * Loads a group for `uid`. A private group does not exist for outsiders: they get the same 404 as
 * an unknown id. With `lock`, the group row is locked so membership changes are serialized.
 */
export async function loadGroup(db: Db, groupId: string, uid: string, options: { lock?: boolean } = {}): Promise<GroupContext> {
  const group = await findGroup(db, groupId, { forUpdate: options.lock ?? false });
  if (!group) throw notFound('Group');
  const actor = await findMember(db, group.chat_id, uid);
  if (!actor && group.visibility === 'private') throw notFound('Group');
  return { group, actor };
}

export function requireMember({ actor }: GroupContext): MemberRow {
  if (!actor) throw forbidden('not_member', 'You are not a member of this group');
  return actor;
}

export function requireManager(context: GroupContext): MemberRow {
  const actor = requireMember(context);
  if (RANK[actor.role] < RANK.manager) throw forbidden('not_manager', 'Only the owner and managers may do this');
  return actor;
}

export function requireOwner(context: GroupContext): MemberRow {
  const actor = requireMember(context);
  if (actor.role !== 'owner') throw forbidden('not_owner', 'Only the owner may do this');
  return actor;
}

/** Managers act on members only; the owner acts on everyone else. */
export function requireOutranks(actor: MemberRow, target: MemberRow): void {
  if (RANK[actor.role] <= RANK[target.role]) {
    throw forbidden('insufficient_role', 'Managers cannot act on the owner or other managers');
  }
}

export async function toGroupView(db: Db, { group, actor }: GroupContext) {
  return {
    id: group.id,
    chat_id: group.chat_id,
    name: group.name,
    avatar_fid: group.avatar_fid,
    description: group.description,
    announcement: group.announcement,
    visibility: group.visibility,
    join_rule: group.join_rule,
    category: group.category,
    mute_all: group.mute_all,
    members_can_pin: group.members_can_pin,
    member_count: group.member_count,
    owner_uid: (await findOwnerUid(db, group.chat_id)) ?? null,
    my_role: actor?.role ?? null,
    created_at: group.created_at.toISOString(),
    updated_at: group.updated_at.toISOString(),
  };
}
