import type { Redis } from 'ioredis';
import type { Db } from '../db/knex.ts';
import { findSessionWithSecret } from '../db/repositories/sessions.repository.ts';
import type { Logger } from '../logger.ts';
import { onChannelMessage, onResubscribed, publish, subscribe } from '../redis/pubsub.ts';
import type { AuthContext } from './authenticate.ts';
import { tokenValidUntil } from './authenticate.ts';
import { decodeToken } from './token.ts';

interface Entry {
  auth: AuthContext;
  /** When the session expires, or the token stops being accepted (a refreshed-away token's grace end). */
  validUntil: number;
  cachedAt: number;
}

const TTL_MS = 60_000;
const MAX_ENTRIES = 200_000;

/**
 * Token checks remembered in this process, so a busy api does not ask PostgreSQL on every request.
 * Every change to a session (logout, revoke, logout_all, refresh) is broadcast on a Redis channel and
 * evicts that user's entries in every api process. A check that raced such a change is not stored
 * (a per-user generation counter), and losing the channel clears everything.
 */
export class AuthCache {
  private readonly entries = new Map<string, Entry>();
  private readonly tokensOf = new Map<string, Set<string>>();
  private readonly generation = new Map<string, number>();

  constructor(
    private readonly db: Db,
    private readonly channel: string,
  ) {}

  /** Listens for session changes on a dedicated subscriber connection. */
  async listen(subscriber: Redis, log: Logger): Promise<void> {
    onChannelMessage(subscriber, (channel: string, uid: string) => {
      if (channel === this.channel) this.evictUser(uid);
    });
    onResubscribed(subscriber, () => {
      log.warn('session change channel restored; forgetting every cached token check');
      this.clear();
    });
    await subscribe(subscriber, [this.channel]);
  }

  /** Tells every api process that `uid`'s sessions changed. Call after the change commits. */
  static async announce(redis: Redis, channel: string, uid: string): Promise<void> {
    await publish(redis, channel, uid);
  }

  async authenticate(token: string, now = Date.now()): Promise<AuthContext | null> {
    const hit = this.entries.get(token);
    if (hit && hit.validUntil > now && now - hit.cachedAt < TTL_MS) return hit.auth;
    if (hit) this.forget(token, hit.auth.uid);

    const parts = decodeToken(token);
    if (!parts) return null;
    const generation = this.generation.get(parts.uid) ?? 0;
    const session = await findSessionWithSecret(this.db, parts.uid, parts.clientKey);
    const validUntil = session ? tokenValidUntil(parts, session, new Date(now)) : null;
    if (!validUntil) return null;
    const auth: AuthContext = { uid: parts.uid, clientKey: parts.clientKey, clientType: parts.clientType };
    if ((this.generation.get(parts.uid) ?? 0) === generation) this.store(token, { auth, validUntil: validUntil.getTime(), cachedAt: now });
    return auth;
  }

  private store(token: string, entry: Entry): void {
    if (this.entries.size >= MAX_ENTRIES) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.forget(oldest, this.entries.get(oldest)?.auth.uid ?? '');
    }
    this.entries.set(token, entry);
    const tokens = this.tokensOf.get(entry.auth.uid) ?? new Set<string>();
    tokens.add(token);
    this.tokensOf.set(entry.auth.uid, tokens);
  }

  private forget(token: string, uid: string): void {
    this.entries.delete(token);
    this.tokensOf.get(uid)?.delete(token);
  }

  evictUser(uid: string): void {
    this.generation.set(uid, (this.generation.get(uid) ?? 0) + 1);
    for (const token of this.tokensOf.get(uid) ?? []) this.entries.delete(token);
    this.tokensOf.delete(uid);
  }

  clear(): void {
    for (const uid of this.tokensOf.keys()) this.generation.set(uid, (this.generation.get(uid) ?? 0) + 1);
    this.entries.clear();
    this.tokensOf.clear();
  }
}
