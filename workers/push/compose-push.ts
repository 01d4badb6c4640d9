import type { MessagesPush, NotificationPush } from '../../shared/contracts/push.ts';
import type { PendingMessages } from '../../shared/db/repositories/push-gate.repository.ts';
import type { NotificationRow } from '../../shared/db/repositories/notifications.repository.ts';
import type { z } from 'zod';

const PREVIEW_CHARS = 200;

const clip = (text: string) => (text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS - 1)}…` : text);

/** The words a message shows as in a push: its text, or what kind of thing it is. */
function messagePreview(newest: NonNullable<PendingMessages['newest']>): string {
  if (newest.message_type === 'image') return 'Sent an image';
  if (newest.message_type === 'file') return 'Sent a file';
  return clip(newest.message.replace(/\s+/g, ' ').trim());
}

/** One push for the messages waiting in a chat: "5 new messages", or the newest one's text with previews on. */
export function composeMessagesPush(args: {
  chatId: string;
  uid: string;
  pending: PendingMessages & { newest: NonNullable<PendingMessages['newest']> };
  senderName: string;
  chatName: string | null;
  previews: boolean;
}): z.infer<typeof MessagesPush> {
  const { pending, chatName, senderName } = args;
  const { newest, count } = pending;
  const mention = newest.mentions.includes(args.uid);
  const preview = args.previews ? messagePreview(newest) : null;
  const counted = count === 1 ? (mention ? 'Mentioned you' : 'New message') : `${count} new messages`;
  const title = chatName ?? senderName;
  let body: string;
  if (preview === null) body = chatName === null ? counted : `${senderName}: ${counted}`;
  else {
    const said = chatName === null ? preview : `${senderName}: ${preview}`;
    body = count === 1 ? said : `${said} (${count} new messages)`;
  }
  return {
    type: 'messages',
    chat_id: args.chatId,
    count,
    msg_id: newest.id,
    seq: Number(newest.seq),
    sender_uid: newest.sender_uid,
    sender_name: senderName,
    chat_name: chatName,
    mention,
    preview,
    title,
    body,
  };
}

/** A push of one notification: a friend request, an invitation to a group, a reminder. */
export function composeNotificationPush(args: { notification: NotificationRow; byName: string; chatName: string | null; previews: boolean }): z.infer<typeof NotificationPush> {
  const { notification, byName, chatName, previews } = args;
  const data = notification.data as Record<string, unknown>;
  const text = (key: string) => (typeof data[key] === 'string' ? (data[key] as string) : null);
  const byUid = text('from_uid') ?? text('by_uid');
  let title: string;
  let body: string;
  let preview: string | null = null;
  switch (notification.type) {
    case 'friend_request':
      title = 'Friend request';
      preview = previews && text('apply_msg') ? clip(text('apply_msg') as string) : null;
      body = preview ? `${byName}: ${preview}` : `${byName} wants to be your friend`;
      break;
    case 'added_to_group':
      title = chatName ?? 'Group';
      body = `${byName} added you to ${chatName ?? 'a group'}`;
      break;
    default:
      title = chatName ? `Reminder · ${chatName}` : 'Reminder';
      preview = previews && text('message') ? clip(text('message') as string) : null;
      body = preview ?? `Reminder from ${byName}`;
  }
  return {
    type: 'notification',
    notification_id: notification.id,
    notification_type: notification.type,
    chat_id: text('chat_id'),
    by_uid: byUid,
    preview,
    title,
    body,
  };
}
