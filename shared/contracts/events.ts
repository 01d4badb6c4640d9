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

/**
 * The identity of a frame that must reach a socket at most once: `on_message` by message id, a
 * stored `on_notify` by notification id, and a chat change (`on_edit`, `on_recall`, `on_reaction`,
 * `on_pin`) by its chat and cursor — each change is stored once with its own cursor, so the same
 * cursor again is the same push repeated. Other frames (typing, presence, reads, a `resync` notice)
 * have none: the same bytes may legitimately arrive again. Read from the frame's text without
 * parsing it: `on_message` and `on_notify` are built with their id first (`toMessageView`,
 * `notificationFrame`); a change's data comes back from jsonb in any key order, so its keys are
 * looked up anywhere (a key's quoted name cannot occur inside a JSON string, where quotes are
 * escaped, and no nested value carries these keys). A frame that does not match has no identity and
 * is never held back.
 */
export function frameIdentity(frame: string): string | undefined {
  if (frame.startsWith(MESSAGE_PREFIX)) return quotedAt(frame, MESSAGE_PREFIX.length, 'on_message');
  if (frame.startsWith(NOTIFY_PREFIX)) return quotedAt(frame, NOTIFY_PREFIX.length, 'on_notify');
  const event = frame.slice(10, frame.indexOf('"', 10));
  if (!CHANGE_EVENTS.has(event) || !frame.startsWith('","data":{', 10 + event.length)) return undefined;
  const chat = frame.indexOf(CHAT_KEY);
  const cursor = frame.indexOf(CURSOR_KEY);
  if (chat < 0 || cursor < 0) return undefined;
  const chatEnd = frame.indexOf('"', chat + CHAT_KEY.length);
  let cursorEnd = cursor + CURSOR_KEY.length;
  while (frame.charCodeAt(cursorEnd) >= 48 && frame.charCodeAt(cursorEnd) <= 57) cursorEnd++;
  if (chatEnd < 0 || cursorEnd === cursor + CURSOR_KEY.length) return undefined;
  return `${event}:${frame.slice(chat + CHAT_KEY.length, chatEnd)}:${frame.slice(cursor + CURSOR_KEY.length, cursorEnd)}`;
}

const MESSAGE_PREFIX = '{"event":"on_message","data":{"id":"';
const NOTIFY_PREFIX = '{"event":"on_notify","data":{"id":"';
const CHANGE_EVENTS = new Set<string>(['on_edit', 'on_recall', 'on_reaction', 'on_pin']);
const CHAT_KEY = '"chat_id":"';
const CURSOR_KEY = '"cursor":';

/** The event and the string value starting at `start` up to its closing quote (ids are digits). */
function quotedAt(frame: string, start: number, event: string): string | undefined {
  const end = frame.indexOf('"', start);
  return end > start ? `${event}:${frame.slice(start, end)}` : undefined;
}
