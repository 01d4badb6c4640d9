import type { AuthContext } from '../../shared/auth/authenticate.ts';
import * as groups from '../../shared/db/repositories/groups.repository.ts';
import { badRequest, notFound } from '../../shared/errors.ts';
import { liftMuteJob } from '../../shared/queues/contracts.ts';
import { commitChange, type ChangeSet } from '../../shared/social/change-set.ts';
import type { ApiDeps } from '../deps.ts';
import { loadGroup, requireManager, requireOutranks, requireOwner, type GroupContext } from './group-access.ts';

async function loadTarget(change: ChangeSet, context: GroupContext, caller: AuthContext, targetUid: string) {
  if (targetUid === caller.uid) throw badRequest('invalid_target', 'You cannot do that to yourself');
  const target = await groups.findMember(change.trx, context.group.chat_id, targetUid);
  if (!target) throw notFound('Member');
  return target;
}

/** Owner only: make a member a manager, or a manager a member again. */
export async function setManager(deps: ApiDeps, caller: AuthContext, groupId: string, input: { target_user_id: string; is_manager: boolean }) {
  return commitChange(deps, async (change) => {
    const context = await loadGroup(change.trx, groupId, caller.uid, { lock: true });
    requireOwner(context);
    const target = await loadTarget(change, context, caller, input.target_user_id);
    const role = input.is_manager ? 'manager' : 'member';
    if (target.role !== role) {
      await groups.setRole(change.trx, context.group.chat_id, target.uid, role);
      change.touchMember(context.group.chat_id, target.uid);
      await change.notify(target.uid, 'manager_changed', { group_id: context.group.id, is_manager: input.is_manager, by_uid: caller.uid });
    }
    return { uid: target.uid, role };
  });
}

/** Owner only: the target becomes owner and the old owner a manager. */
export async function transferOwnership(deps: ApiDeps, caller: AuthContext, groupId: string, targetUid: string) {
  return commitChange(deps, async (change) => {
    const context = await loadGroup(change.trx, groupId, caller.uid, { lock: true });
    requireOwner(context);
    const target = await loadTarget(change, context, caller, targetUid);
    const chatId = context.group.chat_id;
    // Demote first: at most one owner per chat is a unique index.
    await groups.setRole(change.trx, chatId, caller.uid, 'manager');
    await groups.setRole(change.trx, chatId, target.uid, 'owner');
    await groups.setMutedUntil(change.trx, chatId, target.uid, null);
    change.touchMember(chatId, caller.uid);
    change.touchMember(chatId, target.uid);
    await change.notify(target.uid, 'ownership_transferred', { group_id: context.group.id, from_uid: caller.uid });
    return { owner_uid: target.uid };
  });
}

/**
 * Mutes a member for `duration_seconds`, or unmutes. The mute ends by itself: sending checks
 * `muted_until`, and a delayed job clears it and tells the member when it is due.
 */
export async function setMute(
  deps: ApiDeps,
  caller: AuthContext,
  groupId: string,
  input: { target_user_id: string; mute_status: boolean; duration_seconds?: number | undefined },
) {
  if (input.mute_status && input.duration_seconds === undefined) {
    throw badRequest('invalid_input', 'duration_seconds is required to mute', [{ field: 'duration_seconds', message: 'required when mute_status is true' }]);
  }
  if (input.duration_seconds !== undefined && input.duration_seconds > deps.config.groups.muteMaxSeconds) {
    throw badRequest('invalid_input', 'The mute is too long', [{ field: 'duration_seconds', message: `at most ${deps.config.groups.muteMaxSeconds}` }]);
  }
  return commitChange(deps, async (change) => {
    const context = await loadGroup(change.trx, groupId, caller.uid, { lock: true });
    const actor = requireManager(context);
    const target = await loadTarget(change, context, caller, input.target_user_id);
    requireOutranks(actor, target);
    const { group } = context;
    const until = input.mute_status ? new Date(Date.now() + (input.duration_seconds as number) * 1000) : null;
    await groups.setMutedUntil(change.trx, group.chat_id, target.uid, until);
    change.touchMember(group.chat_id, target.uid);
    if (until) {
      await change.notify(target.uid, 'muted', { group_id: group.id, until: until.toISOString(), by_uid: caller.uid });
      change.afterCommit(
        liftMuteJob,
        { chat_id: group.chat_id, group_id: group.id, uid: target.uid, until: until.toISOString() },
        { delay: until.getTime() - Date.now(), jobId: `lift-mute-${group.chat_id}-${target.uid}-${until.getTime()}` },
      );
    } else if (target.muted_until && target.muted_until > new Date()) {
      await change.notify(target.uid, 'unmuted', { group_id: group.id });
    }
    return { uid: target.uid, muted_until: until?.toISOString() ?? null };
  });
}
