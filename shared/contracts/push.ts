import { z } from 'zod';

/**
 * What a device receives (the decrypted Web Push body; FCM `data.payload`; APNs `wetty`), declared
 * once. `title` and `body` are ready to show. With `PUSH_PREVIEWS=false` no text of a message or a
 * request is ever in it: `preview` is null and `body` only counts.
 */
const id = z.string();
const uid = z.string();

export const MessagesPush = z.object({
  type: z.literal('messages'),
  chat_id: id,
  /** Messages waiting for this user in the chat (unread and not pushed before), collapsed into this one push. */
  count: z.number().int().min(1),
  /** The newest of them. */
  msg_id: id,
  seq: z.number().int(),
  sender_uid: uid,
  sender_name: z.string(),
  /** The group's name; null for a direct chat. */
  chat_name: z.string().nullable(),
  /** Whether one of them mentions the user. */
  mention: z.boolean(),
  preview: z.string().nullable(),
  title: z.string(),
  body: z.string(),
});

export const NotificationPush = z.object({
  type: z.literal('notification'),
  notification_id: id,
  /** `friend_request`, `added_to_group` or `reminder` (see Notifications). */
  notification_type: z.string(),
  chat_id: id.nullable(),
  by_uid: uid.nullable(),
  preview: z.string().nullable(),
  title: z.string(),
  body: z.string(),
});

export const PushPayload = z.discriminatedUnion('type', [MessagesPush, NotificationPush]);
export type PushPayload = z.infer<typeof PushPayload>;

/** The notification types that are pushed to an offline user's devices. Mentions come with their chat's messages push. */
export const PUSHED_NOTIFICATION_TYPES = ['friend_request', 'added_to_group', 'reminder'] as const;
