import type { AuthContext } from '../../shared/auth/authenticate.ts';
import { loadPairFacts } from '../../shared/db/repositories/access.repository.ts';
import * as blocks from '../../shared/db/repositories/blocks.repository.ts';
import { directKey, getOrCreateDirectChat } from '../../shared/db/repositories/chats.repository.ts';
import * as friends from '../../shared/db/repositories/friends.repository.ts';
import { findUserByUid } from '../../shared/db/repositories/users.repository.ts';
import { lockFor } from '../../shared/db/locks.ts';
import type { Db } from '../../shared/db/knex.ts';
import { badRequest, conflict, forbidden, notFound } from '../../shared/errors.ts';
import { commitChange, type ChangeSet } from '../../shared/social/change-set.ts';
import { webhookEvents } from '../../shared/webhooks/events.ts';
import type { ApiDeps } from '../deps.ts';
import { limitFriendRequest } from '../limits/user-limits.ts';

async function requireOtherUser(db: Db, caller: AuthContext, targetUid: string) {
  if (targetUid === caller.uid) throw badRequest('invalid_target', 'You cannot do that to yourself');
  const target = await findUserByUid(db, targetUid);
  if (!target) throw notFound('User');
  return target;
}

/** Makes two people friends and answers their direct chat (created on first friendship). */
async function befriend(change: ChangeSet, a: string, b: string): Promise<string> {
  await friends.insertFriendship(change.trx, a, b);
  await friends.closePendingBetween(change.trx, a, b, 'accepted');
  const { chat } = await getOrCreateDirectChat(change.trx, a, b);
  change.touchPair(a, b);
  change.touchChat(chat.id);
  change.touchMember(chat.id, a);
  change.touchMember(chat.id, b);
  change.webhook(webhookEvents.friendAccepted([a, b], chat.id));
  return chat.id;
}

/** Refuses when either person blocks the other. Read inside the transaction, never from cache. */
async function refuseIfBlocked(trx: Db, caller: string, other: string): Promise<void> {
  const { blockers } = await loadPairFacts(trx, caller, other);
  if (blockers.includes(other)) throw forbidden('blocked', 'This user does not accept that from you');
  if (blockers.includes(caller)) throw forbidden('blocked', 'You blocked this user; unblock them first');
}

export async function apply(deps: ApiDeps, caller: AuthContext, input: { target_user_id: string; apply_msg: string }) {
  await limitFriendRequest(deps, caller.uid);
  const target = await requireOtherUser(deps.db, caller, input.target_user_id);
  return commitChange(deps, async (change) => {
    const { trx } = change;
    await lockFor(trx, `pair:${directKey(caller.uid, target.uid)}`);
    await refuseIfBlocked(trx, caller.uid, target.uid);
    if (await friends.areFriends(trx, caller.uid, target.uid)) throw conflict('already_friends', 'You are already friends');

    // They already asked us: asking back accepts both.
    const reverse = await friends.findPendingRequest(trx, target.uid, caller.uid);
    if (reverse) {
      const chatId = await befriend(change, caller.uid, target.uid);
      await change.notify(target.uid, 'friend_accepted', { uid: caller.uid, chat_id: chatId });
      return { request_id: reverse.id, status: 'accepted' as const, chat_id: chatId };
    }
    const existing = await friends.findPendingRequest(trx, caller.uid, target.uid);
    if (existing) return { request_id: existing.id, status: 'pending' as const };

    switch (target.add_friend_setting) {
      case 'nobody':
        throw forbidden('not_accepting_requests', 'This user does not accept friend requests');
      case 'mutual':
        if (!(await friends.shareFriendOrGroup(trx, caller.uid, target.uid))) {
          throw forbidden('not_mutual', 'This user only accepts requests from people who share a friend or a group');
        }
        break;
      case 'anyone': {
        const chatId = await befriend(change, caller.uid, target.uid);
        await change.notify(target.uid, 'friend_accepted', { uid: caller.uid, chat_id: chatId });
        return { status: 'accepted' as const, chat_id: chatId };
      }
      case 'verify':
        break;
    }
    const request = await friends.insertRequest(trx, caller.uid, target.uid, input.apply_msg);
    await change.notify(target.uid, 'friend_request', { request_id: request.id, from_uid: caller.uid, apply_msg: input.apply_msg });
    return { request_id: request.id, status: 'pending' as const };
  });
}

/** Only the person a pending request was sent to may decide it; anyone else gets 404. */
async function lockIncomingRequest(change: ChangeSet, caller: AuthContext, requestId: string) {
  const request = await friends.findRequestForUpdate(change.trx, requestId);
  if (!request || request.to_uid !== caller.uid) throw notFound('Friend request');
  if (request.status !== 'pending') throw conflict('request_closed', `This request was already ${request.status}`);
  return request;
}

export async function accept(deps: ApiDeps, caller: AuthContext, requestId: string) {
  return commitChange(deps, async (change) => {
    const request = await lockIncomingRequest(change, caller, requestId);
    await lockFor(change.trx, `pair:${directKey(caller.uid, request.from_uid)}`);
    await refuseIfBlocked(change.trx, caller.uid, request.from_uid);
    const chatId = await befriend(change, caller.uid, request.from_uid);
    await change.notify(request.from_uid, 'friend_accepted', { uid: caller.uid, chat_id: chatId });
    return { request_id: request.id, status: 'accepted' as const, chat_id: chatId };
  });
}

export async function reject(deps: ApiDeps, caller: AuthContext, requestId: string) {
  return commitChange(deps, async (change) => {
    const request = await lockIncomingRequest(change, caller, requestId);
    await friends.decideRequest(change.trx, request.id, 'rejected');
    return { request_id: request.id, status: 'rejected' as const };
  });
}

export async function listRequests(deps: ApiDeps, caller: AuthContext, direction: 'incoming' | 'outgoing') {
  const rows = await friends.listPendingRequests(deps.db, caller.uid, direction, 500);
  return {
    requests: rows.map((r) => ({
      request_id: r.id,
      from_uid: r.from_uid,
      to_uid: r.to_uid,
      apply_msg: r.apply_msg,
      status: r.status,
      created_at: r.created_at.toISOString(),
      user: { uid: direction === 'incoming' ? r.from_uid : r.to_uid, username: r.username, nickname: r.nickname, avatar_fid: r.avatar_fid },
    })),
  };
}

export async function listFriends(deps: ApiDeps, caller: AuthContext) {
  const rows = await friends.listFriends(deps.db, caller.uid);
  return { friends: rows.map((f) => ({ uid: f.uid, username: f.username, nickname: f.nickname, avatar_fid: f.avatar_fid, since: f.created_at.toISOString() })) };
}

export async function removeFriend(deps: ApiDeps, caller: AuthContext, friendUid: string): Promise<void> {
  await commitChange(deps, async (change) => {
    if (!(await friends.deleteFriendship(change.trx, caller.uid, friendUid))) throw notFound('Friend');
    change.touchPair(caller.uid, friendUid);
  });
}

/** One-way block. Pending requests between the two are cancelled; the friendship, if any, stays. */
export async function block(deps: ApiDeps, caller: AuthContext, targetUid: string) {
  const target = await requireOtherUser(deps.db, caller, targetUid);
  return commitChange(deps, async (change) => {
    await lockFor(change.trx, `pair:${directKey(caller.uid, target.uid)}`);
    await blocks.insertBlock(change.trx, caller.uid, target.uid);
    await friends.closePendingBetween(change.trx, caller.uid, target.uid, 'cancelled');
    change.touchPair(caller.uid, target.uid);
    change.control(caller.uid, '_blocks', { uid: target.uid, blocked: true });
    return { blocked_uid: target.uid };
  });
}

export async function unblock(deps: ApiDeps, caller: AuthContext, targetUid: string): Promise<void> {
  await commitChange(deps, async (change) => {
    if (!(await blocks.deleteBlock(change.trx, caller.uid, targetUid))) throw notFound('Block');
    change.touchPair(caller.uid, targetUid);
    change.control(caller.uid, '_blocks', { uid: targetUid, blocked: false });
  });
}

export async function listBlocks(deps: ApiDeps, caller: AuthContext) {
  const rows = await blocks.listBlocks(deps.db, caller.uid);
  return { blocks: rows.map((b) => ({ uid: b.uid, username: b.username, nickname: b.nickname, blocked_at: b.created_at.toISOString() })) };
}
