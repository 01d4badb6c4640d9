import { WettyError } from '../errors.ts';
import { closeActionOf, CloseCode, type CloseAction } from '../protocol/close-codes.ts';
import { encodeClientFrame, parseServerFrame, type ClientEventName, type ClientFrames, type ReadyData, type ServerFrame } from '../protocol/frames.ts';
import type { AuthReason, ConnectionState, StateChange, WebSocketConstructor } from '../types.ts';
import { fullJitterDelay } from './backoff.ts';
import { platformWebSocket } from './websocket-impl.ts';

export interface ConnectionHooks {
  /** The URL to open now (with a fresh ticket or the token); throws WettyError when it cannot. */
  socketUrl(): Promise<string>;
  /** A fresh token after 4002; false when the session is gone. */
  refresh(): Promise<boolean>;
  /** The session is gone (4001, 4003, or a refused ticket). */
  authLost(reason: AuthReason): void;
  frame(frame: ServerFrame): void;
  ready(data: ReadyData): void;
  state(change: StateChange): void;
}

export interface ConnectionOptions {
  baseMs: number;
  maxMs: number;
  longMs: number;
  WebSocket?: WebSocketConstructor | undefined;
  /** How long to wait for `on_ready` after opening. */
  readyTimeoutMs?: number;
}

const DEFAULT_PING_MS = 30_000;

/**
 * Keeps one WebSocket open: connects with a fresh ticket, pings at the interval `on_ready`
 * announces, treats silence as a dead socket, and after every close acts on the close-code table:
 * reconnect with full-jitter backoff, refresh the token first (4002), back off long (4006), or stop.
 */
export class ConnectionManager {
  private socket: WebSocket | undefined;
  private current: ConnectionState = 'idle';
  private wanted = false;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private readyTimer: ReturnType<typeof setTimeout> | undefined;
  private lastHeard = 0;
  private generation = 0;
  private readonly onlineListener = () => {
    if (this.wanted && (this.current === 'offline' || this.current === 'reconnecting')) this.openNow();
  };

  constructor(
    private readonly hooks: ConnectionHooks,
    private readonly options: ConnectionOptions,
  ) {}

  get state(): ConnectionState {
    return this.current;
  }

  start(): void {
    if (this.wanted && this.current !== 'offline' && this.current !== 'auth_required') return;
    this.wanted = true;
    this.attempt = 0;
    (globalThis as { addEventListener?: (name: string, fn: () => void) => void }).addEventListener?.('online', this.onlineListener);
    this.setState('connecting');
    void this.open();
  }

  stop(state: ConnectionState = 'idle'): void {
    this.wanted = false;
    (globalThis as { removeEventListener?: (name: string, fn: () => void) => void }).removeEventListener?.('online', this.onlineListener);
    this.clearTimers();
    this.generation += 1;
    const socket = this.socket;
    this.socket = undefined;
    if (socket && socket.readyState <= 1) socket.close(1000, 'client closed');
    this.setState(state);
  }

  /** Sends a client frame when ready; returns false (dropped) otherwise. */
  send<E extends ClientEventName>(event: E, data: ClientFrames[E]): boolean {
    if (this.current !== 'ready' || !this.socket) return false;
    this.socket.send(encodeClientFrame(event, data));
    return true;
  }

  /** Drops the socket and reconnects at once (e.g. the app knows the network changed). */
  reconnectNow(): void {
    if (this.wanted) this.openNow();
  }

  private openNow(): void {
    this.clearTimers();
    this.generation += 1;
    const socket = this.socket;
    this.socket = undefined;
    if (socket && socket.readyState <= 1) socket.close(1000, 'reconnecting');
    this.attempt = 0;
    void this.open();
  }

  private async open(): Promise<void> {
    const generation = ++this.generation;
    let url: string;
    let Impl: WebSocketConstructor;
    try {
      Impl = this.options.WebSocket ?? (await platformWebSocket());
      url = await this.hooks.socketUrl();
    } catch (error) {
      if (generation !== this.generation || !this.wanted) return;
      if (error instanceof WettyError && error.status === 401) return this.stopForAuth('unauthorized', CloseCode.badToken);
      return this.retry(error instanceof WettyError && error.status === 429 ? 'reconnect_later' : 'reconnect', undefined, error instanceof WettyError ? error.retryAfter : undefined);
    }
    if (generation !== this.generation || !this.wanted) return;
    const socket = new Impl(url);
    this.socket = socket;
    this.lastHeard = Date.now();
    this.readyTimer = setTimeout(() => {
      if (this.socket === socket && this.current !== 'ready') socket.close(4000, 'no on_ready');
    }, this.options.readyTimeoutMs ?? 15_000);
    socket.onmessage = (event: MessageEvent) => {
      if (this.socket !== socket) return;
      this.lastHeard = Date.now();
      const text = typeof event.data === 'string' ? event.data : String(event.data);
      if (text === 'pong') return;
      const frame = parseServerFrame(text);
      if (!frame) return;
      if (frame.event === 'on_ready') this.onReady(frame.data);
      this.hooks.frame(frame);
    };
    socket.onclose = (event: { code: number }) => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.onClose(event.code);
    };
    socket.onerror = () => {
      // a close event follows; nothing to do here
    };
  }

  private onReady(data: ReadyData): void {
    if (this.readyTimer !== undefined) clearTimeout(this.readyTimer);
    this.readyTimer = undefined;
    this.attempt = 0;
    this.setState('ready');
    const every = typeof data.ping_interval_ms === 'number' && data.ping_interval_ms > 0 ? data.ping_interval_ms : DEFAULT_PING_MS;
    if (this.pingTimer !== undefined) clearInterval(this.pingTimer);
    const socket = this.socket;
    this.pingTimer = setInterval(() => {
      if (!socket || this.socket !== socket) return;
      // Nothing heard for two intervals (no pong either): the socket is dead without a close.
      if (Date.now() - this.lastHeard > every * 2 + 5_000) {
        socket.close(4000, 'no pong');
        this.socket = undefined;
        this.onClose(1006);
        return;
      }
      socket.send('ping');
    }, every);
    this.hooks.ready(data);
  }

  private onClose(code: number): void {
    this.clearTimers();
    if (!this.wanted) return;
    const action = closeActionOf(code);
    if (action === 'stop') {
      if (code === CloseCode.originNotAllowed) {
        this.wanted = false;
        this.setState('offline', { closeCode: code, action });
        return;
      }
      this.stopForAuth(code === CloseCode.sessionRevoked ? 'revoked' : 'unauthorized', code);
      return;
    }
    if (action === 'refresh') {
      this.setState('reconnecting', { closeCode: code, action, retryInMs: 0 });
      this.hooks.refresh().then(
        (ok) => (ok ? this.wanted && void this.open() : this.stopForAuth('session_expired', code)),
        () => this.retry('reconnect', code),
      );
      return;
    }
    this.retry(action, code);
  }

  private retry(action: CloseAction, closeCode?: number, retryAfterSeconds?: number): void {
    if (!this.wanted) return;
    const offline = (globalThis as { navigator?: { onLine?: boolean } }).navigator?.onLine === false;
    const ceiling = action === 'reconnect_later' ? this.options.longMs : this.options.maxMs;
    const base = action === 'reconnect_later' ? this.options.longMs / 4 : this.options.baseMs;
    let delay = fullJitterDelay(this.attempt, base, ceiling);
    if (action === 'reconnect_later') delay = Math.max(delay, base);
    if (retryAfterSeconds !== undefined) delay = Math.max(delay, retryAfterSeconds * 1000);
    this.attempt += 1;
    this.setState(offline ? 'offline' : 'reconnecting', { ...(closeCode === undefined ? {} : { closeCode }), action, retryInMs: delay });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (this.wanted) void this.open();
    }, delay);
  }

  private stopForAuth(reason: AuthReason, closeCode: number): void {
    this.wanted = false;
    this.clearTimers();
    this.setState('auth_required', { closeCode, action: closeActionOf(closeCode) });
    this.hooks.authLost(reason);
  }

  private setState(state: ConnectionState, extra: Omit<StateChange, 'state' | 'previous'> = {}): void {
    const previous = this.current;
    if (previous === state && state !== 'reconnecting') return;
    this.current = state;
    this.hooks.state({ state, previous, ...extra });
  }

  private clearTimers(): void {
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    if (this.pingTimer !== undefined) clearInterval(this.pingTimer);
    if (this.readyTimer !== undefined) clearTimeout(this.readyTimer);
    this.retryTimer = this.pingTimer = this.readyTimer = undefined;
  }
}
