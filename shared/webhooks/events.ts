import { createHash, randomUUID } from 'node:crypto';
import type { RecordedWebhookEvent, WebhookEventType } from '../contracts/webhooks.ts';
import { toMessageView, type MessageRow } from '../db/repositories/messages.repository.ts';

/**
 * The webhook events, built inside the change's transaction and recorded with it. Each gets its id
 * here, once: every later delivery of the recorded effect carries the same id. Events of a chat
 * share the chat's stream and are delivered in order per endpoint.
 *
 * `message.created` is the exception: a send batch records only its messages' ids (the `sent` effect),
 * and the event is built whenever that effect is delivered, so its id and time come from the message
 * itself: the same event however often, and by whichever process, it is built.
 */
function event(type: WebhookEventType, data: Record<string, unknown>, chatId: string | null, fixed?: { id: string; at: Date }): RecordedWebhookEvent {
  return {
    event: { id: fixed?.id ?? randomUUID(), type, created_at: (fixed?.at ?? new Date()).toISOString(), data },
    stream: chatId === null ? null : `chat:${chatId}`,
  };
}

/** A UUID (version 8, name-based) derived from `name`: the same name, the same id. */
function idFromName(name: string): string {
  const hex = createHash('sha256').update(name).digest('hex');
  const variant = ((parseInt(hex[16] as string, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export const webhookEvents = {
  /** `data.message`: the message object as clients see it (docs/api.md). */
  messageCreated: (row: MessageRow) => event('message.created', { message: toMessageView(row) }, row.chat_id, { id: idFromName(`message.created:${row.id}`), at: row.created_at }),
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
