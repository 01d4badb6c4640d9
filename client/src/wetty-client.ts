import { Emitter } from './emitter.ts';
import { WettyError } from './errors.ts';
import type { RouteName } from './generated/routes.ts';
import { ConnectionManager } from './connection/connection-manager.ts';
import { ChangeFeed } from './delivery/change-feed.ts';
import { Delivery } from './delivery/delivery.ts';
import { Outbox } from './outbox/outbox.ts';
import { memoryOutboxStore } from './outbox/outbox-stores.ts';
import type { ChatChange, Message, ServerFrame } from './protocol/frames.ts';
import { chatsResource } from './resources/chats.resource.ts';
import { filesResource } from './resources/files.resource.ts';
import { friendsResource } from './resources/friends.resource.ts';
import { groupsResource } from './resources/groups.resource.ts';
import type { Requester } from './resources/requester.ts';
import { notificationsResource, usersResource } from './resources/users.resource.ts';
import { HttpClient, buildPath } from './rest/http-client.ts';
import type { HttpMethod, PathOf, RequestArgs, RequestOptions, ResponseOf } from './rest/request-types.ts';
import { SessionManager, sessionOf } from './session/session-manager.ts';
import { memoryTokenStore } from './session/token-stores.ts';
import type { AuthReason, ClientEventName, ClientEvents, ClientType, ConnectionState, PendingMessage, SendBody, Session, WettyClientOptions } from './types.ts';

const isBrowser = () => typeof (globalThis as { document?: unknown }).document !== 'undefined';

/** The realtime URL when none is given: the api's host on port 3001, `/ws/chats`. */
export function defaultWsUrl(baseUrl: string): string {
  const url = new URL(baseUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.port = '3001';
  url.pathname = '/ws/chats';
  url.search = '';
  return url.toString();
}

/**
 * The Wetty client: typed REST for every route, sessions with refresh, one WebSocket kept alive,
 * per-chat ordered gapless delivery and an optimistic outbox.
 */
export class WettyClient {
  readonly options: Readonly<WettyClientOptions>;
  readonly clientType: ClientType;
  readonly wsUrl: string;
  readonly users: ReturnType<typeof usersResource>;
  readonly friends: ReturnType<typeof friendsResource>;
  readonly groups: ReturnType<typeof groupsResource>;
  readonly chats: ReturnType<typeof chatsResource>;
  readonly files: ReturnType<typeof filesResource>;
  readonly notifications: ReturnType<typeof notificationsResource>;

  protected readonly events = new Emitter<ClientEvents>();
  protected readonly http: HttpClient;
  protected readonly sessions: SessionManager;
  protected readonly connection: ConnectionManager;
  protected readonly delivery: Delivery;
  protected readonly changes: ChangeFeed;
  protected readonly outbox: Outbox;

  constructor(options: WettyClientOptions) {
    this.options = Object.freeze({ ...options });
    this.clientType = options.clientType ?? (isBrowser() ? 'web' : 'mobile');
    this.wsUrl = options.wsUrl ?? defaultWsUrl(options.baseUrl);
    const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.http = new HttpClient(options.baseUrl, fetchImpl, options.requestTimeoutMs ?? 15_000);
    this.sessions = new SessionManager(this.http, options.tokenStore ?? memoryTokenStore(), {
      changed: (session) => (session ? this.outbox?.resume() : this.outbox?.pause()),
      lost: (reason) => this.onAuthLost(reason),
    }, options.refreshBeforeMs);
    const request: Requester = (method, path, ...args) => this.request(method, path, ...args);
    this.users = usersResource(request);
    this.friends = friendsResource(request);
    this.groups = groupsResource(request);
    this.notifications = notificationsResource(request);
    this.files = filesResource({ request, url: (p) => this.http.url(p), token: () => this.sessions.session?.token, fetch: fetchImpl });
    this.chats = chatsResource(request, {
      send: (chatId, body) => this.outbox.send(chatId, body),
      seed: (chatId, seq) => this.delivery.seed(chatId, seq),
      seedChanges: (chatId, cursor) => this.changes.seed(chatId, cursor),
      typing: (chatId) => void this.connection.send('typing', { chat_id: chatId }),
    });

    const gap = options.gapFill ?? {};
    this.delivery = new Delivery(
      {
        fetchAfter: (chatId, after, max) => this.request('GET', '/chats/{chat_id}/messages', { params: { chat_id: chatId }, query: { after, max } }),
        fetchChats: () => this.request('GET', '/chats', { query: { limit: 100 } }),
        message: (message) => this.events.emit('message', message),
        recall: (data) => this.events.emit('recall', data),
        reaction: (data) => this.events.emit('reaction', data),
        edit: (data) => this.events.emit('edit', data),
        listed: (chats) => this.changes.catchUp(chats),
        unrecoverable: (gapInfo) => this.events.emit('gap_unrecoverable', gapInfo),
        seen: (message) => this.outbox.onMessage(message),
      },
      { pageSize: Math.min(100, gap.pageSize ?? 100), maxPages: gap.maxPages ?? 50, gapTimeoutMs: gap.gapTimeoutMs ?? 1000, maxFailures: gap.maxFailures ?? 8 },
    );
    this.changes = new ChangeFeed(
      {
        fetchSince: (chatId, since, max) => this.request('GET', '/chats/{chat_id}/changes', { params: { chat_id: chatId }, query: { since, max } }),
        apply: (change) => this.applyChange(change),
      },
      { pageSize: 200, gapTimeoutMs: gap.gapTimeoutMs ?? 1000, maxFailures: gap.maxFailures ?? 8 },
    );
    this.outbox = new Outbox(options.outboxStore ?? memoryOutboxStore(), {
      post: async (chatId, body) => {
        const answer = (await this.request('POST', '/chats/{chat_id}/messages', { params: { chat_id: chatId }, body })) as Message | { status: 'queued' };
        return 'seq' in answer ? { status: 201, message: answer } : { status: 202 };
      },
      changed: (entry) => this.events.emit('outbox', entry),
      uid: () => this.sessions.session?.uid,
    });
    const backoff = options.backoff ?? {};
    this.connection = new ConnectionManager(
      {
        socketUrl: () => this.socketUrl(),
        refresh: async () => (await this.sessions.refresh()) !== null,
        authLost: (reason) => this.sessions.lose(reason),
        frame: (frame) => this.onFrame(frame),
        ready: (data) => {
          this.events.emit('ready', data);
          void this.delivery.catchUp();
        },
        state: (change) => this.events.emit('state', change),
      },
      { baseMs: backoff.baseMs ?? 500, maxMs: backoff.maxMs ?? 30_000, longMs: backoff.longMs ?? 60_000, WebSocket: options.WebSocket },
    );
    if (this.sessions.session) {
      this.sessions.start();
      this.outbox.resume();
    }
  }

  /** The signed-in session, or null. */
  get session(): Session | null {
    return this.sessions.session;
  }

  /** The connection's state. */
  get state(): ConnectionState {
    return this.connection.state;
  }

  /** Where a chat's delivery stands: the highest seq below which every message was emitted. */
  position(chatId: string): number | undefined {
    return this.delivery.position(chatId);
  }

  /** Where a chat's changes (edits, recalls, reactions, pins) stand: the highest change cursor applied. */
  changeCursor(chatId: string): number | undefined {
    return this.changes.cursor(chatId);
  }

  /** Subscribes to an event; returns the function that unsubscribes. */
  on<E extends ClientEventName>(event: E, handler: (data: ClientEvents[E]) => void): () => void {
    return this.events.on(event, handler);
  }

  /**
   * Calls any route of the api, typed from the route table: `client.request('GET',
   * '/chats/{chat_id}/messages', { params: { chat_id }, query: { max: 20 } })`. Throws `WettyError`.
   */
  async request<M extends HttpMethod, P extends PathOf<M>>(method: M, path: P, ...args: RequestArgs<`${M} ${P}` & RouteName>): Promise<ResponseOf<`${M} ${P}` & RouteName>> {
    const options = (args[0] ?? {}) as RequestOptions<RouteName> & { params?: Record<string, unknown>; query?: Record<string, unknown>; body?: unknown };
    const send = (token: string | undefined) =>
      this.http.send<ResponseOf<`${M} ${P}` & RouteName>>({ method, path: buildPath(path, options.params, undefined), query: options.query, body: options.body, token, signal: options.signal });
    const token = options.anonymous ? undefined : this.sessions.session?.token;
    try {
      return (await send(token)).body;
    } catch (error) {
      if (!(error instanceof WettyError) || error.status !== 401 || token === undefined || error.code !== 'unauthorized') throw error;
      // Another tab may have refreshed the token (the old one stops working 10 s later).
      if (this.sessions.adoptStored()) return (await send(this.sessions.session?.token)).body;
      if (this.sessions.session?.token === token) this.sessions.lose(Date.parse(this.sessions.session.expiresAt) <= Date.now() ? 'session_expired' : 'unauthorized');
      throw error;
    }
  }

  /** Creates an account (does not sign in). */
  register(input: { username: string; password: string }) {
    return this.request('POST', '/users/auth/register', { body: input, anonymous: true });
  }

  /** Signs in and keeps the session in the token store. */
  async login(input: { username: string; password: string; clientType?: ClientType }): Promise<Session> {
    const answer = await this.request('POST', '/users/auth/login', {
      body: { username: input.username, password: input.password, client_type: input.clientType ?? this.clientType },
      anonymous: true,
    });
    const session = sessionOf(answer);
    this.sessions.set(session);
    if (this.connection.state === 'auth_required') this.connection.start();
    return session;
  }

  /** Ends this session on the server (best effort), forgets it and disconnects. */
  async logout(): Promise<void> {
    const token = this.sessions.session?.token;
    this.connection.stop();
    if (token) await this.http.send({ method: 'POST', path: '/users/auth/logout', token }).catch(() => undefined);
    this.sessions.lose('logged_out');
  }

  /** Ends every session of the user (all devices). */
  async logoutAll(): Promise<void> {
    const token = this.sessions.session?.token;
    this.connection.stop();
    if (token) await this.http.send({ method: 'POST', path: '/users/auth/logout_all', token });
    this.sessions.lose('logged_out');
  }

  /** Opens the WebSocket and keeps it open until `disconnect()` (or until the session ends). */
  connect(): void {
    if (!this.sessions.session) {
      this.connection.stop('auth_required');
      return;
    }
    this.connection.start();
  }

  /** Closes the WebSocket and stops reconnecting. The outbox keeps its entries. */
  disconnect(): void {
    this.connection.stop();
  }

  /** Drops the socket and connects again at once (e.g. the app learnt the network changed). */
  reconnect(): void {
    this.connection.reconnectNow();
  }

  /** Every outbox entry not yet settled (for a UI that shows pending messages after a reload). */
  pending(): PendingMessage[] {
    return this.outbox.pending();
  }

  /** Stops everything (socket, timers); the client is not usable afterwards. */
  close(): void {
    this.connection.stop();
    this.outbox.pause();
    this.delivery.stop();
    this.changes.stop();
    this.sessions.stop();
  }

  private async socketUrl(): Promise<string> {
    const session = this.sessions.session;
    if (!session) throw new WettyError(401, 'unauthorized', 'Not signed in');
    const url = new URL(this.wsUrl);
    url.searchParams.set('uid', session.uid);
    if (this.options.useTickets === false) {
      url.searchParams.set('token', session.token);
    } else {
      const { ticket } = await this.request('POST', '/users/auth/ws_ticket');
      url.searchParams.set('ticket', ticket);
    }
    return url.toString();
  }

  private onFrame(frame: ServerFrame): void {
    switch (frame.event) {
      case 'on_message':
        return this.delivery.onMessage(frame.data);
      case 'on_recall':
        return this.changes.onFrame({ kind: 'recall', cursor: frame.data.cursor, data: frame.data });
      case 'on_reaction':
        return this.changes.onFrame({ kind: 'reaction', cursor: frame.data.cursor, data: frame.data });
      case 'on_edit':
        return this.changes.onFrame({ kind: 'edit', cursor: frame.data.cursor, data: frame.data });
      case 'on_pin':
        return this.changes.onFrame({ kind: 'pin', cursor: frame.data.cursor, data: frame.data });
      case 'on_read':
        return this.events.emit('read', frame.data);
      case 'on_typing':
        return this.events.emit('typing', frame.data);
      case 'on_presence':
        return this.events.emit('presence', frame.data);
      case 'on_notify':
        if (frame.data.type === 'resync') return void this.delivery.catchUp();
        this.outbox.onNotify(frame.data);
        return this.events.emit('notify', frame.data);
      case 'error':
        return this.events.emit('server_error', frame.data);
      case 'on_ready':
        return;
    }
  }

  /** A change in cursor order: those about a message follow that message (the delivery orders them); pins go straight out. */
  private applyChange(change: ChatChange): void {
    switch (change.kind) {
      case 'recall':
        return this.delivery.onRecall(change.data);
      case 'reaction':
        return this.delivery.onReaction(change.data);
      case 'edit':
        return this.delivery.onEdit(change.data);
      case 'pin':
        return this.events.emit('pin', change.data);
    }
  }

  private onAuthLost(reason: AuthReason): void {
    this.outbox.pause();
    if (this.connection.state !== 'auth_required' && this.connection.state !== 'idle') this.connection.stop('auth_required');
    this.events.emit('auth', { reason });
  }
}
