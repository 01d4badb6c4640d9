import { WettyError } from '../errors.ts';
import type { HttpClient } from '../rest/http-client.ts';
import type { ResponseOf } from '../rest/request-types.ts';
import type { AuthReason, Session, TokenStore } from '../types.ts';

type LoginAnswer = ResponseOf<'POST /users/auth/login'>;

export const sessionOf = (answer: LoginAnswer): Session => ({ uid: answer.uid, token: answer.token, expiresAt: answer.expires_at, clientType: answer.client_type });

export interface SessionHooks {
  /** The session changed (login, refresh, another tab's refresh). */
  changed(session: Session | null): void;
  /** The session is gone for good: the app must log in again. */
  lost(reason: AuthReason): void;
}

/**
 * Holds the session: keeps it in the token store, refreshes it before it expires (one refresh at a
 * time; a token another tab already refreshed is picked up from the store), and reports when it is
 * gone (`lost`) so the client can surface one `auth` state.
 */
export class SessionManager {
  private current: Session | null;
  private refreshing: Promise<Session | null> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private failures = 0;

  constructor(
    private readonly http: HttpClient,
    private readonly store: TokenStore,
    private readonly hooks: SessionHooks,
    private readonly refreshBeforeMs: number | undefined,
  ) {
    this.current = store.load();
  }

  get session(): Session | null {
    return this.current;
  }

  set(session: Session | null): void {
    this.current = session;
    this.store.save(session);
    this.failures = 0;
    this.schedule();
    this.hooks.changed(session);
  }

  /** Starts the refresh timer for a session loaded from the store. */
  start(): void {
    this.schedule();
  }

  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Ends the session locally and reports why. */
  lose(reason: AuthReason): void {
    if (!this.current) return;
    this.stop();
    this.current = null;
    this.store.save(null);
    this.hooks.changed(null);
    this.hooks.lost(reason);
  }

  /**
   * Another tab (sharing the token store) may have refreshed or ended the session: adopt what the
   * store holds when it differs. Returns true when the token changed.
   */
  adoptStored(): boolean {
    const stored = this.store.load();
    if (!stored || stored.token === this.current?.token) return false;
    this.current = stored;
    this.schedule();
    this.hooks.changed(stored);
    return true;
  }

  /**
   * Gets a fresh token. Resolves with the new session, or null when the session is gone (then
   * `lost` was reported). Transient failures reject with the WettyError (the old token may still work).
   */
  refresh(): Promise<Session | null> {
    this.refreshing ??= this.doRefresh().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async doRefresh(): Promise<Session | null> {
    const session = this.current;
    if (!session) return null;
    try {
      const answer = await this.http.send<LoginAnswer>({ method: 'POST', path: '/users/auth/refresh', token: session.token });
      if (this.current?.token !== session.token) return this.current; // replaced meanwhile (logout, login)
      this.set(sessionOf(answer.body));
      return this.current;
    } catch (error) {
      if (!(error instanceof WettyError)) throw error;
      if (error.status === 409 || error.status === 401) {
        if (this.adoptStored()) return this.current;
        this.lose(Date.parse(session.expiresAt) <= Date.now() ? 'session_expired' : 'unauthorized');
        return null;
      }
      this.failures += 1;
      this.schedule(Math.min(60_000, 1000 * 2 ** this.failures));
      throw error;
    }
  }

  private schedule(inMs?: number): void {
    this.stop();
    const session = this.current;
    if (!session) return;
    const remaining = Date.parse(session.expiresAt) - Date.now();
    if (!Number.isFinite(remaining)) return;
    // Never earlier than halfway through what is left: a token that lives only seconds is refreshed
    // every half-life, not in a loop.
    const before = Math.min(this.refreshBeforeMs ?? Math.min(3_600_000, Math.max(5_000, remaining / 10)), remaining / 2);
    const delay = inMs ?? Math.max(0, remaining - before);
    // Timers above 2^31-1 ms fire at once: wake up daily and look again for long-lived tokens.
    this.timer = setTimeout(() => {
      if (inMs === undefined && Date.parse(session.expiresAt) - Date.now() > before + 1000) return this.schedule();
      this.refresh().catch(() => undefined);
    }, Math.min(delay, 86_400_000));
    (this.timer as { unref?: () => void }).unref?.();
  }
}
