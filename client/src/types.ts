import type { ErrorEnvelope, RouteTable } from './generated/routes.ts';
import type { WettyError } from './errors.ts';
import type { CloseAction } from './protocol/close-codes.ts';
import type { Message, Notification, ReadyData, ServerFrames } from './protocol/frames.ts';

export type { Message, Notification, ReadyData, Reaction } from './protocol/frames.ts';
export type { ErrorEnvelope };

export type ClientType = 'web' | 'mobile';

/** The signed-in session. `token` is secret: keep it where the token store keeps it. */
export interface Session {
  uid: string;
  token: string;
  /** ISO time the token expires; the SDK refreshes it before then. */
  expiresAt: string;
  clientType: ClientType;
}

/** Where the session is kept between page loads or app starts. Synchronous so `client.session` is known at once. */
export interface TokenStore {
  load(): Session | null;
  save(session: Session | null): void;
}

/** A message body as the app gives it to `chats.send` (the SDK adds `client_generated_id` unless given). */
export type SendBody = Omit<RouteTable['POST /chats/{chat_id}/messages']['body'], 'client_generated_id'> & { client_generated_id?: string };

export type OutboxStatus = 'pending' | 'sent' | 'failed';

/** An outbox entry as persisted (plain JSON). */
export interface OutboxEntry {
  clientGeneratedId: string;
  chatId: string;
  body: SendBody & { client_generated_id: string };
  /** `pending` until stored (`sent`) or refused (`failed`). */
  status: OutboxStatus;
  attempts: number;
  createdAt: string;
  /** The stored message once `sent`. */
  message?: Message;
  /** The refusal once `failed`. */
  error?: { status: number; code: string; message: string };
}

/** What `chats.send` returns at once: the entry, plus a promise that settles when it is stored or refused. */
export interface PendingMessage extends OutboxEntry {
  /** Never rejects: `{ok: true, message}` once stored, `{ok: false, error}` once refused. */
  readonly done: Promise<SendResult>;
}

export type SendResult = { ok: true; message: Message } | { ok: false; error: WettyError };

/** Where unsent messages are kept so they survive a reload or restart. May be asynchronous (IndexedDB). */
export interface OutboxStore {
  load(): OutboxEntry[] | Promise<OutboxEntry[]>;
  put(entry: OutboxEntry): void | Promise<void>;
  delete(clientGeneratedId: string): void | Promise<void>;
}

/**
 * - `idle`: not connected (before `connect()`, after `disconnect()`);
 * - `connecting`: opening the first socket;
 * - `ready`: `on_ready` received, events flow;
 * - `reconnecting`: lost the socket, trying again after a backoff;
 * - `offline`: not retrying by itself (the browser is offline, or the server refused this origin);
 *   resumes when the network is back or on `connect()`;
 * - `auth_required`: the session ended (expired and could not be refreshed, revoked, bad token): log in again.
 */
export type ConnectionState = 'idle' | 'connecting' | 'ready' | 'reconnecting' | 'offline' | 'auth_required';

export interface StateChange {
  state: ConnectionState;
  previous: ConnectionState;
  /** The close code that caused the change, if any. */
  closeCode?: number;
  /** What the close code asked for. */
  action?: CloseAction;
  /** When in `reconnecting`: the delay before the next attempt. */
  retryInMs?: number;
}

export type AuthReason = 'session_expired' | 'unauthorized' | 'revoked' | 'logged_out';

/** The session is gone: the app should ask the user to log in again. */
export interface AuthEvent {
  reason: AuthReason;
}

/** A chat's gap could not be filled after repeated attempts: messages after `afterSeq` may be missing. */
export interface GapUnrecoverable {
  chatId: string;
  afterSeq: number;
  error: WettyError;
}

/** Every event the app can subscribe to with `client.on`. */
export interface ClientEvents {
  /** A message, per chat exactly once and in seq order (the app's own messages too). */
  message: Message;
  recall: ServerFrames['on_recall'];
  reaction: ServerFrames['on_reaction'];
  /** A message was edited (after that message, like recall and reaction). */
  edit: ServerFrames['on_edit'];
  /** A message was pinned or unpinned. */
  pin: ServerFrames['on_pin'];
  read: ServerFrames['on_read'];
  typing: ServerFrames['on_typing'];
  presence: ServerFrames['on_presence'];
  /** Every `on_notify` except `resync`, which the SDK handles itself. */
  notify: Notification;
  /** `on_ready` (also on every reconnect). */
  ready: ReadyData;
  state: StateChange;
  auth: AuthEvent;
  gap_unrecoverable: GapUnrecoverable;
  /** An outbox entry changed (sent, failed, retried). */
  outbox: OutboxEntry;
  /** A frame the server could not use (`error` frame). */
  server_error: ServerFrames['error'];
}

export type ClientEventName = keyof ClientEvents;

/** The part of the Web Storage API the localStorage adapters use (`localStorage`, `sessionStorage`, or a stand-in). */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** A WebSocket constructor (the platform's, or `ws` on Node without a global one). */
export type WebSocketConstructor = new (url: string) => WebSocket;

export interface WettyClientOptions {
  /** The api's base URL, e.g. `https://chat.example.com` or `http://127.0.0.1:3000`. */
  baseUrl: string;
  /** The realtime URL; default: baseUrl with ws(s):// and port 3001, path `/ws/chats`. */
  wsUrl?: string;
  /** `web` (12 h tokens; default in browsers) or `mobile` (30 days; default elsewhere). */
  clientType?: ClientType;
  /** Default: memory. Browsers: `localStorageTokenStore()`. */
  tokenStore?: TokenStore;
  /** Default: memory. Browsers: `localStorageOutboxStore()`. */
  outboxStore?: OutboxStore;
  /** Connect with a one-use ticket (`POST /users/auth/ws_ticket`) rather than the token in the URL. Default: true. */
  useTickets?: boolean;
  /** Reconnect backoff: full jitter over `min(maxMs, baseMs·2^attempt)`. Defaults 500 ms / 30 s; long backoff (4006) 60 s. */
  backoff?: { baseMs?: number; maxMs?: number; longMs?: number };
  /** Gap filling: page size (≤100, default 100), pages per fill (default 50), how long a gap may last before a fill (default 1 s), failed fills in a row before `gap_unrecoverable` (default 8, with full-jitter backoff of 1 s·2^n up to 15 s between them). */
  gapFill?: { pageSize?: number; maxPages?: number; gapTimeoutMs?: number; maxFailures?: number };
  /** Refresh the token this long before it expires. Default: 10 % of what is left (at least 5 s, at most 1 h); never earlier than halfway. */
  refreshBeforeMs?: number;
  /** A fetch implementation (default: the global one). */
  fetch?: typeof fetch;
  /** A WebSocket implementation (default: the global one, else `ws`). */
  WebSocket?: WebSocketConstructor;
  /** Per-request timeout (default 15 s). */
  requestTimeoutMs?: number;
}
