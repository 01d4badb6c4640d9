import type { Redis } from 'ioredis';
import type { ServerEventName, ServerFrames } from '../../client/src/protocol/frames.ts';
import type { RedisKeys } from '../redis/keys.ts';
import { publishMany } from '../redis/pubsub.ts';

/**
 * Events pushed to clients. A pub/sub message is exactly the frame a socket receives,
 * `{"event": name, "data": {...}}`, so realtime nodes relay without re-encoding. The frames and
 * their data are declared once, in the client SDK's protocol module, which the SDK parses with.
 */
export type { ServerEventName, ServerFrames } from '../../client/src/protocol/frames.ts';

/** Frames to clients, typed by the protocol. Instructions to realtime nodes are declared apart, in control-events.ts. */
export function encodeFrame<E extends ServerEventName>(event: E, data: ServerFrames[E]): string {
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

/** Publishes frames to users' channels and payloads to chat channels in one round trip (one per shard on a cluster). */
export async function publishAll(
  redis: Redis,
  keys: RedisKeys,
  toUsers: readonly { uid: string; frame: string }[],
  toChats: readonly { chatId: string; payload: string }[] = [],
): Promise<void> {
  await publishMany(redis, [
    ...toUsers.map(({ uid, frame }) => ({ channel: keys.userChannel(uid), message: frame })),
    ...toChats.map(({ chatId, payload }) => ({ channel: keys.chatChannel(chatId), message: payload })),
  ]);
}
