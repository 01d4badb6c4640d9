import { AuthCache } from '../../shared/auth/auth-cache.ts';
import { authenticateToken, type AuthContext } from '../../shared/auth/authenticate.ts';
import { randomHex128, sha256 } from '../../shared/auth/random.ts';
import { decodeToken, encodeToken, newClientKey, newRefreshSecret, newUserSecret, type ClientType } from '../../shared/auth/token.ts';
import { issueWsTicket } from '../../shared/auth/ws-ticket.ts';
import * as sessions from '../../shared/db/repositories/sessions.repository.ts';
import * as users from '../../shared/db/repositories/users.repository.ts';
import { AppError, conflict, notFound, tooManyRequests, unauthorized } from '../../shared/errors.ts';
import { hitRateLimit, type RateLimitRule } from '../../shared/redis/rate-limit.ts';
import type { Effect } from '../../shared/contracts/effects.ts';
import { commitWithEffects } from '../../shared/effects/outbox.ts';
import { webhookEvents } from '../../shared/webhooks/events.ts';
import type { ApiDeps } from '../deps.ts';
import { beginLoginAttempt } from './login-limits.ts';
import { hashPassword, verifyPassword } from './password.ts';

export interface IssuedToken {
  token: string;
  user_key: string;
  uid: string;
  client_type: ClientType;
  expires_at: string;
}

async function enforceRateLimit(deps: ApiDeps, bucket: string, subject: string, rule: RateLimitRule): Promise<void> {
  const result = await hitRateLimit(deps.redis, deps.keys.rateLimit(bucket, subject), rule);
  if (!result.allowed) throw tooManyRequests(result.retryAfterSeconds);
}

const nowSeconds = (now: Date) => Math.floor(now.getTime() / 1000);

export async function register(deps: ApiDeps, input: { username: string; password: string }, ip: string) {
  await enforceRateLimit(deps, 'register-ip', ip, deps.config.auth.registerRate);
  const taken = () => conflict('username_taken', 'That username is taken');
  if (await users.findUserByUsername(deps.db, input.username)) throw taken();
  const passwordHash = await hashPassword(input.password);
  try {
    const user = await commitWithEffects(deps, async (trx, effects) => {
      const inserted = await users.insertUser(trx, {
        uid: randomHex128(),
        username: input.username,
        password_hash: passwordHash,
        secret_key: newUserSecret(),
        nickname: input.username,
      });
      effects.push({ kind: 'webhooks', events: [webhookEvents.userRegistered(inserted.uid, inserted.username)] });
      return inserted;
    });
    return { uid: user.uid, username: user.username, nickname: user.nickname, created_at: user.created_at.toISOString() };
  } catch (err) {
    // Two registrations racing for one name: the unique index decides, the loser gets the same 409.
    if ((err as { code?: string }).code === '23505') throw taken();
    throw err;
  }
}

export async function login(
  deps: ApiDeps,
  input: { username: string; password: string; client_type: ClientType },
  client: { ip: string; userAgent: string | undefined },
): Promise<IssuedToken> {
  const attempt = await beginLoginAttempt(deps, input.username, client.ip);
  const user = await users.findUserByUsername(deps.db, input.username);
  // Unknown user and wrong password take the same time and get the same answer.
  const valid = await verifyPassword(user?.password_hash, input.password);
  await attempt.settle(Boolean(user && valid));
  if (!user || !valid) throw new AppError(401, 'invalid_credentials', 'Wrong username or password');

  await sessions.deleteExpiredSessions(deps.db, user.uid);
  const now = new Date();
  const clientKey = newClientKey();
  const refreshSecret = newRefreshSecret();
  const expiresAt = expiryFor(deps, input.client_type, now);
  await sessions.insertSession(deps.db, {
    uid: user.uid,
    client_key: clientKey,
    client_type: input.client_type,
    refresh_hash: sha256(refreshSecret),
    issued_at: nowSeconds(now),
    expires_at: expiresAt,
    user_agent: client.userAgent?.slice(0, 200) ?? null,
  });
  const token = encodeToken({
    uid: user.uid,
    userSecret: user.secret_key,
    clientType: input.client_type,
    refreshSecret,
    clientKey,
    issuedAt: nowSeconds(now),
  });
  return issued(token, user.uid, input.client_type, expiresAt);
}

/**
 * Reissues the refresh secret and timestamp of the presented token's session. The replaced token keeps
 * working for the configured grace period; a second refresh of the same token is refused (409).
 */
export async function refresh(deps: ApiDeps, token: string): Promise<IssuedToken> {
  const auth = await authenticateToken(deps.db, token);
  const parts = decodeToken(token);
  if (!auth || !parts) throw unauthorized();
  const now = new Date();
  const refreshSecret = newRefreshSecret();
  const expiresAt = expiryFor(deps, auth.clientType, now);
  const rotated = await sessions.rotateRefresh(deps.db, {
    uid: auth.uid,
    clientKey: auth.clientKey,
    expectedRefreshHash: sha256(parts.refreshSecret),
    refreshHash: sha256(refreshSecret),
    issuedAt: nowSeconds(now),
    expiresAt,
    previousValidUntil: new Date(now.getTime() + deps.config.auth.refreshGraceSeconds * 1000),
  });
  if (!rotated) throw conflict('token_already_refreshed', 'This token was already refreshed; use the newer one');
  await AuthCache.announce(deps.redis, deps.keys.sessionChanges, auth.uid);
  const fresh = encodeToken({ ...parts, refreshSecret, issuedAt: nowSeconds(now) });
  return issued(fresh, auth.uid, auth.clientType, expiresAt);
}

/**
 * The effects of ending sessions, recorded with the change: api processes forget cached checks of the
 * user's tokens; realtime nodes close the ended sessions' sockets with 4003.
 */
const sessionsEnded = (uid: string, clientKey: string | null): Effect[] => [
  { kind: 'sessions_changed', uid },
  { kind: 'control', uid, control: { event: '_session_revoked', data: { client_key: clientKey } } },
];

export async function logout(deps: ApiDeps, auth: AuthContext): Promise<void> {
  await commitWithEffects(deps, async (trx, effects) => {
    await sessions.deleteSession(trx, auth.uid, auth.clientKey);
    effects.push(...sessionsEnded(auth.uid, auth.clientKey));
  });
}

/** Ends every session of the user: the sessions go, and the rotated secret key voids any token still held. */
export async function logoutAll(deps: ApiDeps, auth: AuthContext): Promise<void> {
  await commitWithEffects(deps, async (trx, effects) => {
    await users.setSecretKey(trx, auth.uid, newUserSecret());
    await sessions.deleteAllSessions(trx, auth.uid);
    effects.push(...sessionsEnded(auth.uid, null));
  });
}

export async function listSessions(deps: ApiDeps, auth: AuthContext) {
  const rows = await sessions.listSessions(deps.db, auth.uid);
  return rows.map((s) => ({
    client_key: s.client_key,
    client_type: s.client_type,
    user_agent: s.user_agent,
    created_at: s.created_at.toISOString(),
    refreshed_at: s.refreshed_at.toISOString(),
    expires_at: s.expires_at.toISOString(),
    current: s.client_key === auth.clientKey,
  }));
}

export async function revokeSession(deps: ApiDeps, auth: AuthContext, clientKey: string): Promise<void> {
  await commitWithEffects(deps, async (trx, effects) => {
    if (!(await sessions.deleteSession(trx, auth.uid, clientKey))) throw notFound('Session');
    effects.push(...sessionsEnded(auth.uid, clientKey));
  });
}

export async function createWsTicket(deps: ApiDeps, auth: AuthContext) {
  const ttl = deps.config.auth.wsTicketTtlSeconds;
  const ticket = await issueWsTicket(deps.redis, deps.keys, auth, ttl);
  return { ticket, expires_in: ttl };
}

function expiryFor(deps: ApiDeps, clientType: ClientType, now: Date): Date {
  return new Date(now.getTime() + deps.config.auth.tokenTtlSeconds[clientType] * 1000);
}

function issued(token: string, uid: string, clientType: ClientType, expiresAt: Date): IssuedToken {
  return { token, user_key: uid, uid, client_type: clientType, expires_at: expiresAt.toISOString() };
}
