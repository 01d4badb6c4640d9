import type { RouteTable } from '../generated/routes.ts';

/**
 * The WebSocket protocol of `/ws/chats`, declared once: the realtime nodes and workers build their
 * frames from these types (through `encodeFrame` in shared/contracts/events.ts) and the SDK parses
 * them. Every server frame is text JSON `{"event": name, "data": ...}`; the client sends the text
 * `ping` (answered `pong`) or a client frame.
 */

/** A stored message, as the api answers it and as `on_message` carries it. */
export type Message = RouteTable['POST /chats/{chat_id}/messages']['response'];
export type Reaction = Message['reactions'][number];

/** A notification: `{id, type, created_at, …the type's fields}`. `resync` has no id and is not stored. */
export interface Notification {
  id?: string;
  type: string;
  created_at: string;
  [field: string]: unknown;
}

export interface ReadyData {
  uid: string;
  at: string;
  /** How often the client should send `ping` (ms). */
  ping_interval_ms?: number;
  /** The server closes a socket silent for this long (4005). */
  idle_timeout_ms?: number;
  /** When the session's token expires (ISO); the socket is closed 4002 then. */
  session_expires_at?: string;
}

/** The `data` of each server frame, by event name. */
export interface ServerFrames {
  on_message: Message;
  on_recall: { chat_id: string; msg_id: string; seq: number; cursor: number };
  on_reaction: { chat_id: string; msg_id: string; seq: number; uid: string; emoji: string; action: 'added' | 'removed'; reactions: Reaction[]; cursor: number };
  on_edit: { chat_id: string; msg_id: string; seq: number; message: string; format: 'plain' | 'markdown'; edited_at: string; edit_count: number; cursor: number };
  on_pin: { chat_id: string; msg_id: string; pinned: boolean; by_uid: string; at: string; cursor: number };
  on_read: { chat_id: string; uid: string; seq: number };
  on_typing: { chat_id: string; uid: string };
  on_presence: { uid: string; status: 'online' | 'offline'; at: string };
  on_notify: Notification;
  on_ready: ReadyData;
  error: { code: string; message: string };
}

export type ServerEventName = keyof ServerFrames;

/**
 * The frames that are also entries of a chat's change feed (`GET /chats/{chat_id}/changes`): each
 * carries its `cursor`, so a client that saw one can resume the feed right after it.
 */
export const changeEvents = { edit: 'on_edit', recall: 'on_recall', reaction: 'on_reaction', pin: 'on_pin' } as const;
export type ChangeKind = keyof typeof changeEvents;
/** One entry of the change feed: its kind and the data its live frame carries. */
export type ChatChange = { [K in ChangeKind]: { kind: K; cursor: number; data: ServerFrames[(typeof changeEvents)[K]] } }[ChangeKind];
export type ServerFrame = { [E in ServerEventName]: { event: E; data: ServerFrames[E] } }[ServerEventName];

/** The `data` of each frame a client may send. */
export interface ClientFrames {
  typing: { chat_id: string };
}

export type ClientEventName = keyof ClientFrames;

export const serverEventNames: readonly ServerEventName[] = ['on_message', 'on_recall', 'on_reaction', 'on_edit', 'on_pin', 'on_read', 'on_typing', 'on_presence', 'on_notify', 'on_ready', 'error'];

/** Parses a server frame's text; `undefined` for anything that is not a known frame. */
export function parseServerFrame(text: string): ServerFrame | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { event, data } = value as { event?: unknown; data?: unknown };
  if (typeof event !== 'string' || !(serverEventNames as readonly string[]).includes(event)) return undefined;
  if (typeof data !== 'object' || data === null) return undefined;
  return value as ServerFrame;
}

export function encodeClientFrame<E extends ClientEventName>(event: E, data: ClientFrames[E]): string {
  return JSON.stringify({ event, data });
}
