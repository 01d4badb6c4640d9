import { randomUUID } from 'node:crypto';
import type { RecordedWebhookEvent, WebhookEventType } from '../contracts/webhooks.ts';
import { toMessageView, type MessageRow } from '../db/repositories/messages.repository.ts';

/**
 * The webhook events, built inside the change's transaction and recorded with it. Each gets its id
 * here, once: every later delivery of the recorded effect carries the same id. Events of a chat
 * share the chat's stream and are delivered in order per endpoint.
 */
function event(type: WebhookEventType, data: Record<string, unknown>, chatId: string | null): RecordedWebhookEvent {
  return { event: { id: randomUUID(), type, created_at: new Date().toISOString(), data }, stream: chatId === null ? null : `chat:${chatId}` };
}

export const webhookEvents = {
  /** `data.message`: the message object as clients see it (docs/api.md). */
  messageCreated: (row: MessageRow) => event('message.created', { message: toMessageView(row) }, row.chat_id),
  /** `data.message`: the message as it is after the edit (with `edited_at`, `edit_count`). */
  messageEdited: (row: MessageRow) => event('message.edited', { message: toMessageView(row) }, row.chat_id),
  messageRecalled: (row: Pick<MessageRow, 'id' | 'chat_id' | 'seq'>, byUid: string) =>
    event('message.recalled', { chat_id: row.chat_id, msg_id: row.id, seq: Number(row.seq), by_uid: byUid }, row.chat_id),
  reactionChanged: (row: Pick<MessageRow, 'id' | 'chat_id' | 'seq'>, uid: string, emoji: string, action: 'added' | 'removed') =>
    event('reaction.changed', { chat_id: row.chat_id, msg_id: row.id, seq: Number(row.seq), uid, emoji, action }, row.chat_id),
  memberJoined: (group: GroupRef, uid: string, byUid: string | null) => event('member.joined', { ...groupData(group), uid, by_uid: byUid }, group.chat_id),
  memberLeft: (group: GroupRef, uid: string, byUid: string) =>
    event('member.left', { ...groupData(group), uid, by_uid: byUid, reason: uid === byUid ? 'left' : 'removed' }, group.chat_id),
  groupCreated: (group: GroupRef & { name: string }, ownerUid: string) => event('group.created', { ...groupData(group), name: group.name, owner_uid: ownerUid }, group.chat_id),
  groupDisbanded: (group: GroupRef, byUid: string) => event('group.disbanded', { ...groupData(group), by_uid: byUid }, group.chat_id),
  friendAccepted: (uids: readonly [string, string], chatId: string) => event('friend.accepted', { uids: [...uids], chat_id: chatId }, null),
  userRegistered: (uid: string, username: string) => event('user.registered', { uid, username }, null),
};

interface GroupRef {
  id: string;
  chat_id: string;
}

const groupData = (group: GroupRef) => ({ group_id: group.id, chat_id: group.chat_id });
