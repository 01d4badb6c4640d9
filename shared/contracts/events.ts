import type { Redis } from 'ioredis';
import { z } from 'zod';
import { MessageObject, Reaction } from './messages.ts';
import type { RedisKeys } from '../redis/keys.ts';

/**
 * Events pushed to clients. A pub/sub message is exactly the frame a socket receives,
 * `{"event": name, "data": {...}}`, so realtime nodes relay without re-encoding. Each event's data is
 * declared here with its schema: producers are type-checked against it, and clients (the SDK, tests)
 * parse frames with it. Fields may be added to a frame later, never removed.
 */
const id = z.string().regex(/^[0-9]+$/);
const uid = z.string().regex(/^[0-9a-f]{32}$/);
const at = z.iso.datetime();

export const ServerFrameSchemas = {
  on_message: MessageObject,
  on_recall: z.object({ chat_id: id, msg_id: id, seq: z.number().int() }),
  on_reaction: z.object({
    chat_id: id, msg_id: id, seq: z.number().int(), uid, emoji: z.string(), action: z.enum(['added', 'removed']), reactions: z.array(Reaction),
  }),
  on_read: z.object({ chat_id: id, uid, seq: z.number().int() }),
  on_typing: z.object({ chat_id: id, uid }),
  on_presence: z.object({ uid, status: z.enum(['online', 'offline']), at }),
  /** A stored notification (`id` and its type's fields, see notifications.ts), or `resync` (not stored, no id). */
  on_notify: z.object({ id: id.optional(), type: z.string(), created_at: at }).catchall(z.unknown()),
  on_ready: z.object({ uid, at }).catchall(z.unknown()),
  error: z.object({ code: z.string(), message: z.string() }),
} as const;

export type ServerEventName = keyof typeof ServerFrameSchemas;
export type ServerFrameData<E extends ServerEventName> = z.input<(typeof ServerFrameSchemas)[E]>;

/** Any frame a client may receive, parsed by its event. */
export const ServerFrame = z.discriminatedUnion(
  'event',
  (Object.keys(ServerFrameSchemas) as ServerEventName[]).map((event) => z.object({ event: z.literal(event), data: ServerFrameSchemas[event] })) as never,
);

/** Frames to clients. Instructions to realtime nodes are declared apart, in control-events.ts. */
export function encodeFrame<E extends ServerEventName>(event: E, data: ServerFrameData<E>): string {
  return JSON.stringify({ event, data });
}

/** A stored notification as its `on_notify` frame: `{id, type, created_at, ...fields}`. */
export function notificationFrame(n: { id: string; type: string; created_at: Date | string; data: Record<string, unknown> }): string {
  const created = typeof n.created_at === 'string' ? n.created_at : n.created_at.toISOString();
  return encodeFrame('on_notify', { id: n.id, type: n.type, created_at: created, ...n.data });
}


/**
 * A large group's chat channel carries the sender's uid (32 chars) before the frame, so each node can
 * hold the frame back from local members who block the sender without decoding it.
 */
export const encodeChatPayload = (senderUid: string, frame: string) => senderUid + frame;
export const decodeChatPayload = (payload: string) => ({ senderUid: payload.slice(0, 32), frame: payload.slice(32) });

/** Publishes frames to users' channels and payloads to chat channels in one round trip. */
export async function publishAll(
  redis: Redis,
  keys: RedisKeys,
  toUsers: readonly { uid: string; frame: string }[],
  toChats: readonly { chatId: string; payload: string }[] = [],
): Promise<void> {
  if (toUsers.length === 0 && toChats.length === 0) return;
  const pipeline = redis.pipeline();
  for (const { uid, frame } of toUsers) pipeline.publish(keys.userChannel(uid), frame);
  for (const { chatId, payload } of toChats) pipeline.publish(keys.chatChannel(chatId), payload);
  const results = await pipeline.exec();
  const failed = results?.find(([err]) => err);
  if (failed) throw failed[0];
}
