import type { Db } from '../db/knex.ts';
import { findSessionWithSecret, type SessionWithSecret } from '../db/repositories/sessions.repository.ts';
import { safeEqual, sha256 } from './random.ts';
import { decodeToken, type ClientType, type TokenParts } from './token.ts';

/** Who is asking: the result of a successful token check, carried by every authenticated request. */
export interface AuthContext {
  uid: string;
  clientKey: string;
  clientType: ClientType;
}

/**
 * Checks every field of a token against the stored user secret and session. Answers null for a
 * malformed, tampered, expired, refreshed-away or revoked token, without saying which.
 */
export async function authenticateToken(db: Db, token: string, now = new Date()): Promise<AuthContext | null> {
  const parts = decodeToken(token);
  if (!parts) return null;
  const session = await findSessionWithSecret(db, parts.uid, parts.clientKey);
  if (!session || tokenValidUntil(parts, session, now) === null) return null;
  return { uid: parts.uid, clientKey: parts.clientKey, clientType: parts.clientType };
}

/**
 * Until when a token is accepted, or null if it is not: the session's expiry for its current token,
 * the end of the grace period for the token a refresh replaced.
 */
export function tokenValidUntil(parts: TokenParts, session: SessionWithSecret, now: Date): Date | null {
  if (!safeEqual(parts.userSecret, session.secret_key)) return null;
  if (parts.clientType !== session.client_type) return null;
  if (session.expires_at <= now) return null;
  const refreshHash = sha256(parts.refreshSecret);
  if (safeEqual(refreshHash, session.refresh_hash) && String(parts.issuedAt) === session.issued_at) return session.expires_at;
  const previous =
    session.previous_refresh_hash !== null &&
    session.previous_valid_until !== null &&
    session.previous_valid_until > now &&
    safeEqual(refreshHash, session.previous_refresh_hash) &&
    String(parts.issuedAt) === session.previous_issued_at;
  return previous ? session.previous_valid_until : null;
}
