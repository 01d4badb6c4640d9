import { Emitter } from './emitter.ts';
import { WettyError } from './errors.ts';
import type { RouteName } from './generated/routes.ts';
import { memoryOutboxStore } from './outbox/outbox-stores.ts';
import { chatsResource } from './resources/chats.resource.ts';
import { filesResource } from './resources/files.resource.ts';
import { friendsResource } from './resources/friends.resource.ts';
import { groupsResource } from './resources/groups.resource.ts';
import type { Requester } from './resources/requester.ts';
import { notificationsResource, usersResource } from './resources/users.resource.ts';
import { HttpClient, buildPath } from './rest/http-client.ts';
import type { HttpMethod, PathOf, RequestArgs, RequestOptions, ResponseOf } from './rest/request-types.ts';
import { memoryTokenStore } from './session/token-stores.ts';
import type { ClientEventName, ClientEvents, ClientType, ConnectionState, PendingMessage, SendBody, Session, WettyClientOptions } from './types.ts';

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
  protected readonly tokenStore;
  protected readonly outboxStore;
  protected currentSession: Session | null;
  protected currentState: ConnectionState = 'idle';

  constructor(options: WettyClientOptions) {
    this.options = Object.freeze({ ...options });
    this.clientType = options.clientType ?? (isBrowser() ? 'web' : 'mobile');
    this.wsUrl = options.wsUrl ?? defaultWsUrl(options.baseUrl);
    const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.http = new HttpClient(options.baseUrl, fetchImpl, options.requestTimeoutMs ?? 15_000);
    this.tokenStore = options.tokenStore ?? memoryTokenStore();
    this.outboxStore = options.outboxStore ?? memoryOutboxStore();
    this.currentSession = this.tokenStore.load();
    const request: Requester = (method, path, ...args) => this.request(method, path, ...args);
    this.users = usersResource(request);
    this.friends = friendsResource(request);
    this.groups = groupsResource(request);
    this.notifications = notificationsResource(request);
    this.files = filesResource({ request, url: (p) => this.http.url(p), token: () => this.currentSession?.token, fetch: fetchImpl });
    this.chats = chatsResource(request, {
      send: (chatId, body) => this.send(chatId, body),
      seed: (chatId, seq) => this.seed(chatId, seq),
      typing: (chatId) => this.typing(chatId),
    });
  }

  /** The signed-in session, or null. */
  get session(): Session | null {
    return this.currentSession;
  }

  /** The connection's state. */
  get state(): ConnectionState {
    return this.currentState;
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
    const response = await this.http.send<ResponseOf<`${M} ${P}` & RouteName>>({
      method,
      path: buildPath(path, options.params, undefined),
      query: options.query,
      body: options.body,
      token: options.anonymous ? undefined : this.currentSession?.token,
      signal: options.signal,
    });
    return response.body;
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
    const session: Session = { uid: answer.uid, token: answer.token, expiresAt: answer.expires_at, clientType: answer.client_type };
    this.setSession(session);
    return session;
  }

  /** Ends this session on the server (best effort), forgets it and disconnects. */
  async logout(): Promise<void> {
    throw new WettyError(0, 'not_implemented', 'logout');
  }

  /** Ends every session of the user (all devices). */
  async logoutAll(): Promise<void> {
    throw new WettyError(0, 'not_implemented', 'logoutAll');
  }

  /** Opens the WebSocket and keeps it open until `disconnect()` (or until the session ends). */
  connect(): void {
    throw new WettyError(0, 'not_implemented', 'connect');
  }

  /** Closes the WebSocket and stops reconnecting. The outbox keeps its entries. */
  disconnect(): void {
    throw new WettyError(0, 'not_implemented', 'disconnect');
  }

  /** Every outbox entry not yet settled (for a UI that shows pending messages after a reload). */
  pending(): PendingMessage[] {
    return [];
  }

  protected setSession(session: Session | null): void {
    this.currentSession = session;
    this.tokenStore.save(session);
  }

  protected send(_chatId: string, _body: SendBody): PendingMessage {
    throw new WettyError(0, 'not_implemented', 'send');
  }

  protected seed(_chatId: string, _seq: number): void {}

  protected typing(_chatId: string): void {}
}
