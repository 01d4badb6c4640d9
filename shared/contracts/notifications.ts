import { z } from 'zod';

/**
 * Every notification a person can receive: stored in `notifications`, listed by
 * `GET /users/notifications`, and pushed as `on_notify` with `{id, type, created_at, ...fields}`.
 */
const id = z.string();
const uid = z.string();

export const NotificationFields = {
  friend_request: z.object({ request_id: id, from_uid: uid, apply_msg: z.string() }),
  friend_accepted: z.object({ uid, chat_id: id }),
  added_to_group: z.object({ group_id: id, chat_id: id, by_uid: uid }),
  removed_from_group: z.object({ group_id: id, by_uid: uid }),
  join_request: z.object({ group_id: id, application_id: id, applicant_uid: uid, apply_msg: z.string() }),
  join_approved: z.object({ group_id: id, chat_id: id }),
  join_rejected: z.object({ group_id: id }),
  muted: z.object({ group_id: id, until: z.iso.datetime(), by_uid: uid }),
  unmuted: z.object({ group_id: id }),
  manager_changed: z.object({ group_id: id, is_manager: z.boolean(), by_uid: uid }),
  ownership_transferred: z.object({ group_id: id, from_uid: uid }),
  group_updated: z.object({ group_id: id, fields: z.array(z.string()) }),
  group_disbanded: z.object({ group_id: id, by_uid: uid }),
  reminder: z.object({ chat_id: id, msg_id: id, seq: z.number().int(), by_uid: uid, message: z.string() }),
  mention: z.object({ chat_id: id, msg_id: id, seq: z.number().int(), by_uid: uid }),
  send_failed: z.object({ chat_id: id, client_generated_id: z.string(), code: z.string() }),
} as const;

export type NotificationType = keyof typeof NotificationFields;
export type NotificationData<T extends NotificationType> = z.infer<(typeof NotificationFields)[T]>;

/** A stored notification as clients see it. */
export const NotificationView = z
  .object({ id, type: z.string(), created_at: z.iso.datetime() })
  .catchall(z.unknown());
export type NotificationView = z.infer<typeof NotificationView>;
