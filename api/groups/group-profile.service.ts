import type { AuthContext } from '../../shared/auth/authenticate.ts';
import { insertGroupChat } from '../../shared/db/repositories/chats.repository.ts';
import * as groups from '../../shared/db/repositories/groups.repository.ts';
import { conflict } from '../../shared/errors.ts';
import { commitChange } from '../../shared/social/change-set.ts';
import { webhookEvents } from '../../shared/webhooks/events.ts';
import type { ApiDeps } from '../deps.ts';
import { loadGroup, requireManager, requireOwner, toGroupView } from './group-access.ts';

/** Creates a group and its chat; the creator is its owner and first member. */
export async function createGroup(deps: ApiDeps, caller: AuthContext, fields: Partial<groups.GroupProfileFields> & { name: string }) {
  return commitChange(deps, async ({ trx, webhook }) => {
    const chat = await insertGroupChat(trx);
    const group = await groups.insertGroup(trx, { ...fields, chat_id: chat.id });
    await groups.addMembers(trx, group, [caller.uid], 'owner');
    webhook(webhookEvents.groupCreated(group, caller.uid));
    return toGroupView(trx, { group: { ...group, member_count: 1 }, actor: await groups.findMember(trx, chat.id, caller.uid) });
  });
}

export async function getGroup(deps: ApiDeps, caller: AuthContext, groupId: string) {
  return toGroupView(deps.db, await loadGroup(deps.db, groupId, caller.uid));
}

export async function listMyGroups(deps: ApiDeps, caller: AuthContext) {
  const rows = await groups.listGroupsOf(deps.db, caller.uid);
  return {
    groups: rows.map((g) => ({ id: g.id, chat_id: g.chat_id, name: g.name, avatar_fid: g.avatar_fid, category: g.category, visibility: g.visibility, member_count: g.member_count, my_role: g.my_role })),
  };
}

export async function searchGroups(deps: ApiDeps, query: { q: string; limit: number; cursor?: string | undefined }) {
  const rows = await groups.searchPublicGroups(deps.db, query.q, query.limit + 1, query.cursor);
  const page = rows.slice(0, query.limit);
  return {
    groups: page.map((g) => ({ id: g.id, name: g.name, avatar_fid: g.avatar_fid, description: g.description, join_rule: g.join_rule, category: g.category, member_count: g.member_count })),
    next_cursor: rows.length > query.limit ? (page.at(-1)?.id ?? null) : null,
  };
}

/** Owner and managers edit the profile; every member learns which fields changed. */
export async function updateGroupProfile(deps: ApiDeps, caller: AuthContext, groupId: string, fields: Partial<groups.GroupProfileFields>) {
  return commitChange(deps, async (change) => {
    const context = await loadGroup(change.trx, groupId, caller.uid, { lock: true });
    requireManager(context);
    const { group } = context;
    if (fields.category === 'small' && group.member_count > deps.config.groups.maxMembers.small) {
      throw conflict('group_too_large', `A small group has at most ${deps.config.groups.maxMembers.small} members`);
    }
    const updated = await groups.updateGroup(change.trx, group.id, fields);
    change.touchChat(group.chat_id);
    const members = await groups.memberUids(change.trx, group.chat_id);
    await change.notify(members, 'group_updated', { group_id: group.id, fields: Object.keys(fields).sort() });
    // Large groups are delivered through a chat channel: nodes re-check where members' events come from.
    if (fields.category !== undefined && fields.category !== group.category) {
      for (const uid of members) change.control(uid, '_membership', { chat_id: group.chat_id, member: true });
    }
    return toGroupView(change.trx, { group: updated, actor: context.actor });
  });
}

/** Owner only. The chat and its history go with the group; every member is told. */
export async function disbandGroup(deps: ApiDeps, caller: AuthContext, groupId: string): Promise<void> {
  await commitChange(deps, async (change) => {
    const context = await loadGroup(change.trx, groupId, caller.uid, { lock: true });
    requireOwner(context);
    const members = await groups.memberUids(change.trx, context.group.chat_id);
    await groups.deleteGroupAndChat(change.trx, context.group);
    change.touchChat(context.group.chat_id);
    for (const uid of members) {
      change.touchMember(context.group.chat_id, uid);
      change.control(uid, '_membership', { chat_id: context.group.chat_id, member: false });
    }
    await change.notify(members, 'group_disbanded', { group_id: context.group.id, by_uid: caller.uid });
    change.webhook(webhookEvents.groupDisbanded(context.group, caller.uid));
  });
}
