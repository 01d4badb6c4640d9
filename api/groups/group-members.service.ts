import type { AuthContext } from '../../shared/auth/authenticate.ts';
import type { Db } from '../../shared/db/knex.ts';
import * as groups from '../../shared/db/repositories/groups.repository.ts';
import { conflict, forbidden, notFound } from '../../shared/errors.ts';
import { commitChange } from '../../shared/social/change-set.ts';
import { webhookEvents } from '../../shared/webhooks/events.ts';
import type { ApiDeps } from '../deps.ts';
import { limitGroupAdditions } from '../limits/user-limits.ts';
import { loadGroup, requireManager, requireMember, requireOutranks } from './group-access.ts';

/** Refuses (409, nothing changed) when `adding` more members would pass the group's size cap. */
function ensureRoom(deps: ApiDeps, group: groups.GroupRow, adding: number): void {
  const cap = deps.config.groups.maxMembers[group.category];
  if (group.member_count + adding > cap) throw conflict('group_full', `This ${group.category} group is full (${cap} members)`);
}

export async function listMembers(deps: ApiDeps, caller: AuthContext, groupId: string, page: { limit: number; cursor?: string | undefined }) {
  const context = await loadGroup(deps.db, groupId, caller.uid);
  requireMember(context);
  const rows = await groups.listMembers(deps.db, context.group.chat_id, page.limit + 1, page.cursor);
  const members = rows.slice(0, page.limit).map((m) => ({
    uid: m.uid,
    username: m.username,
    nickname: m.nickname,
    avatar_fid: m.avatar_fid,
    role: m.role,
    muted_until: m.muted_until && m.muted_until > new Date() ? m.muted_until.toISOString() : null,
    joined_at: m.joined_at.toISOString(),
  }));
  return { members, next_cursor: rows.length > page.limit ? (members.at(-1)?.uid ?? null) : null };
}

/** Whom of `uids` the actor may not add: unknown users, and anyone who blocks or is blocked by them. */
async function refusedTargets(db: Db, actorUid: string, uids: readonly string[]): Promise<Map<string, string>> {
  const known = new Set((await db('users').whereIn('uid', uids).select<{ uid: string }[]>('uid')).map((r) => r.uid));
  const blocked = await db('blocks')
    .whereIn(['blocker_uid', 'blocked_uid'], uids.flatMap((uid) => [[actorUid, uid], [uid, actorUid]]))
    .select<{ blocker_uid: string; blocked_uid: string }[]>('blocker_uid', 'blocked_uid');
  const refused = new Map<string, string>();
  for (const uid of uids) if (!known.has(uid)) refused.set(uid, 'not_found');
  for (const b of blocked) refused.set(b.blocker_uid === actorUid ? b.blocked_uid : b.blocker_uid, 'blocked');
  return refused;
}

/** Owner and managers add people directly. Answers, per person, who was added and who was not. */
export async function addMembers(deps: ApiDeps, caller: AuthContext, groupId: string, userIds: readonly string[]) {
  await limitGroupAdditions(deps, caller.uid, userIds.length);
  return commitChange(deps, async (change) => {
    const context = await loadGroup(change.trx, groupId, caller.uid, { lock: true });
    requireManager(context);
    const { group } = context;
    const refused = await refusedTargets(change.trx, caller.uid, userIds);
    const candidates = userIds.filter((uid) => !refused.has(uid));
    const existing = new Set(await groups.memberUids(change.trx, group.chat_id));
    const newcomers = candidates.filter((uid) => !existing.has(uid));
    ensureRoom(deps, group, newcomers.length);
    const added = await groups.addMembers(change.trx, group, newcomers, 'member');
    await change.trx('group_applications').where({ group_id: group.id, status: 'pending' }).whereIn('applicant_uid', added).update({ status: 'approved', decided_by: caller.uid, decided_at: change.trx.fn.now() });
    for (const uid of added) {
      change.touchMember(group.chat_id, uid);
      change.control(uid, '_membership', { chat_id: group.chat_id, member: true });
      change.webhook(webhookEvents.memberJoined(group, uid, caller.uid));
    }
    await change.notify(added, 'added_to_group', { group_id: group.id, chat_id: group.chat_id, by_uid: caller.uid });
    return {
      added,
      already_members: candidates.filter((uid) => existing.has(uid)),
      refused: [...refused].map(([uid, code]) => ({ uid, code })),
    };
  });
}

/** Open groups let anyone in; approval groups take an application; invite-only groups refuse. */
export async function applyToJoin(deps: ApiDeps, caller: AuthContext, groupId: string, applyMsg: string) {
  return commitChange(deps, async (change) => {
    const context = await loadGroup(change.trx, groupId, caller.uid, { lock: true });
    const { group } = context;
    if (context.actor) throw conflict('already_member', 'You are already a member of this group');
    if (group.join_rule === 'invite_only') throw forbidden('invite_only', 'This group only takes members its managers add');
    if (group.join_rule === 'open') {
      ensureRoom(deps, group, 1);
      await groups.addMembers(change.trx, group, [caller.uid], 'member');
      change.touchMember(group.chat_id, caller.uid);
      change.control(caller.uid, '_membership', { chat_id: group.chat_id, member: true });
      change.webhook(webhookEvents.memberJoined(group, caller.uid, null));
      return { status: 'joined' as const, chat_id: group.chat_id };
    }
    const pending = await groups.findPendingApplication(change.trx, group.id, caller.uid);
    if (pending) return { status: 'pending' as const, application_id: pending.id };
    const application = await groups.insertApplication(change.trx, group.id, caller.uid, applyMsg);
    await change.notify(await groups.memberUids(change.trx, group.chat_id, ['owner', 'manager']), 'join_request', {
      group_id: group.id,
      application_id: application.id,
      applicant_uid: caller.uid,
      apply_msg: applyMsg,
    });
    return { status: 'pending' as const, application_id: application.id };
  });
}

export async function listApplications(deps: ApiDeps, caller: AuthContext, groupId: string) {
  const context = await loadGroup(deps.db, groupId, caller.uid);
  requireManager(context);
  const rows = await groups.listPendingApplications(deps.db, context.group.id);
  return {
    applications: rows.map((a) => ({
      application_id: a.id,
      applicant: { uid: a.applicant_uid, username: a.username, nickname: a.nickname },
      apply_msg: a.apply_msg,
      created_at: a.created_at.toISOString(),
    })),
  };
}

export async function decideApplication(deps: ApiDeps, caller: AuthContext, groupId: string, applicationId: string, decision: 'approve' | 'reject') {
  return commitChange(deps, async (change) => {
    const context = await loadGroup(change.trx, groupId, caller.uid, { lock: true });
    requireManager(context);
    const { group } = context;
    const application = await groups.findApplicationForUpdate(change.trx, applicationId);
    if (!application || application.group_id !== group.id) throw notFound('Application');
    if (application.status !== 'pending') throw conflict('application_closed', `This application was already ${application.status}`);
    if (decision === 'reject') {
      await groups.decideApplication(change.trx, application.id, 'rejected', caller.uid);
      await change.notify(application.applicant_uid, 'join_rejected', { group_id: group.id });
      return { application_id: application.id, status: 'rejected' as const };
    }
    ensureRoom(deps, group, 1);
    await groups.addMembers(change.trx, group, [application.applicant_uid], 'member');
    await groups.decideApplication(change.trx, application.id, 'approved', caller.uid);
    change.touchMember(group.chat_id, application.applicant_uid);
    change.control(application.applicant_uid, '_membership', { chat_id: group.chat_id, member: true });
    change.webhook(webhookEvents.memberJoined(group, application.applicant_uid, caller.uid));
    await change.notify(application.applicant_uid, 'join_approved', { group_id: group.id, chat_id: group.chat_id });
    return { application_id: application.id, status: 'approved' as const };
  });
}

/** Leaving (yourself) or kicking (someone you outrank). The owner must transfer or disband to leave. */
export async function removeMember(deps: ApiDeps, caller: AuthContext, groupId: string, targetUid: string): Promise<void> {
  await commitChange(deps, async (change) => {
    const context = await loadGroup(change.trx, groupId, caller.uid, { lock: true });
    const { group } = context;
    if (targetUid === caller.uid) {
      const me = requireMember(context);
      if (me.role === 'owner') throw conflict('owner_must_transfer', 'Transfer ownership or disband the group before leaving');
    } else {
      const actor = requireManager(context);
      const target = await groups.findMember(change.trx, group.chat_id, targetUid);
      if (!target) throw notFound('Member');
      requireOutranks(actor, target);
      await change.notify(targetUid, 'removed_from_group', { group_id: group.id, by_uid: caller.uid });
    }
    await groups.removeMember(change.trx, group, targetUid);
    change.touchMember(group.chat_id, targetUid);
    change.control(targetUid, '_membership', { chat_id: group.chat_id, member: false });
    change.webhook(webhookEvents.memberLeft(group, targetUid, caller.uid));
  });
}
