import type { Db } from '../db/knex.ts';
import { findSessionWithSecret } from '../db/repositories/sessions.repository.ts';
import { findUserByUid } from '../db/repositories/users.repository.ts';
import { type AuthContext, tokenValidUntil } from './authenticate.ts';
import { safeEqual, sha256 } from './random.ts';
import { decodeToken, type ClientType } from './token.ts';

export type TokenStatus =
  | { status: 'valid'; auth: AuthContext; sessionExpiresAt: Date }
  /** A genuine token of this user whose session ran out: the client refreshes or logs in again. */
  | { status: 'expired' }
  /** Malformed, forged, refreshed away, revoked: nothing a refresh can fix. */
  | { status: 'invalid' };

/**
 * Like `authenticateToken`, but tells an expired session apart from a bad token, for clients that act
 * differently on each (the WebSocket's 4002 and 4001). A token is "expired" only when it carries the
 * user's current secret key and either its session is past `expires_at`, or its session is gone and
 * the token is older than its client type's lifetime (expired sessions are removed at the next login).
 */
export async function tokenStatus(db: Db, token: string, ttlSeconds: Record<ClientType, number>, now = new Date()): Promise<TokenStatus> {
  const parts = decodeToken(token);
  if (!parts) return { status: 'invalid' };
  const session = await findSessionWithSecret(db, parts.uid, parts.clientKey);
  if (session) {
    if (tokenValidUntil(parts, session, now) !== null) {
      return { status: 'valid', auth: { uid: parts.uid, clientKey: parts.clientKey, clientType: parts.clientType }, sessionExpiresAt: session.expires_at };
    }
    const genuine =
      safeEqual(parts.userSecret, session.secret_key) &&
      parts.clientType === session.client_type &&
      safeEqual(sha256(parts.refreshSecret), session.refresh_hash) &&
      String(parts.issuedAt) === session.issued_at;
    return genuine && session.expires_at <= now ? { status: 'expired' } : { status: 'invalid' };
  }
  const user = await findUserByUid(db, parts.uid);
  const pastLifetime = (parts.issuedAt + ttlSeconds[parts.clientType]) * 1000 <= now.getTime();
  return user && safeEqual(parts.userSecret, user.secret_key) && pastLifetime ? { status: 'expired' } : { status: 'invalid' };
}
