import jwt from 'jsonwebtoken';
import { UID_PATTERN } from './token.ts';

/**
 * JWTs signed with INTERNAL_SECRET (HS256), in two kinds told apart by their audience so one can never
 * be used as the other:
 * - the internal service key: lets a trusted service write files on behalf of user `sub`;
 * - a download link signature: lets whoever holds the link fetch one file as user `sub`, briefly.
 * Both must carry an expiry.
 */
const INTERNAL_KEY_AUDIENCE = 'wetty:internal';
const FILE_LINK_AUDIENCE = 'wetty:file-link';

export const INTERNAL_KEY_HEADER = 'x-internal-key';

export function signInternalKey(secret: string, uid: string, ttlSeconds = 300): string {
  return jwt.sign({}, secret, { algorithm: 'HS256', audience: INTERNAL_KEY_AUDIENCE, subject: uid, expiresIn: ttlSeconds });
}

/** The uid an internal key acts for, or null when it is malformed, forged, expired or of another kind. */
export function verifyInternalKey(secret: string, key: string): string | null {
  return verified(secret, key, INTERNAL_KEY_AUDIENCE)?.sub ?? null;
}

/**
 * A download link signature, stable within a time bucket so a browser's cache can reuse the URL: the
 * expiry is `now + ttl` rounded up to the next multiple of `ttl` seconds since the epoch, so the same
 * user asking for the same file gets the very same signature until that boundary, and every link is
 * valid for at least `ttl` and less than `2 × ttl` seconds. No `iat`, so signing is deterministic.
 */
export function signFileLink(secret: string, uid: string, fid: string, ttlSeconds: number, nowMs = Date.now()): { sig: string; expiresAt: Date } {
  const exp = linkExpiry(nowMs, ttlSeconds);
  const sig = jwt.sign({ fid, exp }, secret, { algorithm: 'HS256', audience: FILE_LINK_AUDIENCE, subject: uid, noTimestamp: true });
  return { sig, expiresAt: new Date(exp * 1000) };
}

/** The end (epoch seconds) of the bucket a link signed at `nowMs` expires at. */
export function linkExpiry(nowMs: number, ttlSeconds: number): number {
  return Math.ceil((nowMs / 1000 + ttlSeconds) / ttlSeconds) * ttlSeconds;
}

/** The uid a download link was issued to, or null unless it is valid, unexpired and for this fid. */
export function verifyFileLink(secret: string, sig: string, fid: string): string | null {
  const claims = verified(secret, sig, FILE_LINK_AUDIENCE);
  return claims && claims.fid === fid ? claims.sub : null;
}

function verified(secret: string, token: string, audience: string): { sub: string; fid?: unknown } | null {
  try {
    const claims = jwt.verify(token, secret, { algorithms: ['HS256'], audience });
    if (typeof claims !== 'object' || typeof claims.exp !== 'number') return null;
    if (typeof claims.sub !== 'string' || !UID_PATTERN.test(claims.sub)) return null;
    return { sub: claims.sub, fid: (claims as { fid?: unknown }).fid };
  } catch {
    return null;
  }
}
