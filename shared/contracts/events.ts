import type { Redis } from 'ioredis';
import type { ServerEventName, ServerFrames } from '../../client/src/protocol/frames.ts';
import type { RedisKeys } from '../redis/keys.ts';

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

/**
 * The identity of a frame that must reach a socket at most once: `on_message` and `on_recall` by
 * message id, a stored `on_notify` by notification id. Other frames (typing, presence, reactions,
 * reads, a `resync` notice) have none: the same bytes may legitimately arrive again. Read from the
 * text `encodeFrame` writes (`{"event":…,"data":{…}}`, keys in the order the frame is built), without
 * parsing it; a frame whose keys come in another order has no identity and is never held back.
 */
export function frameIdentity(frame: string): string | undefined {
  if (frame.startsWith(MESSAGE_PREFIX)) return quotedAt(frame, MESSAGE_PREFIX.length);
  if (frame.startsWith(NOTIFY_PREFIX)) return quotedAt(frame, NOTIFY_PREFIX.length);
  if (frame.startsWith(RECALL_PREFIX)) {
    const chatEnd = frame.indexOf('"', RECALL_PREFIX.length);
    return frame.startsWith(RECALL_MSG_KEY, chatEnd) ? quotedAt(frame, chatEnd + RECALL_MSG_KEY.length) : undefined;
  }
  return undefined;
}

const MESSAGE_PREFIX = '{"event":"on_message","data":{"id":"';
const NOTIFY_PREFIX = '{"event":"on_notify","data":{"id":"';
const RECALL_PREFIX = '{"event":"on_recall","data":{"chat_id":"';
const RECALL_MSG_KEY = '","msg_id":"';

/** The event name and the string value starting at `start` up to its closing quote (ids are digits). */
function quotedAt(frame: string, start: number): string | undefined {
  const end = frame.indexOf('"', start);
  if (end <= start) return undefined;
  return `${frame.slice(10, frame.indexOf('"', 10))}:${frame.slice(start, end)}`;
}
