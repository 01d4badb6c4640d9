import type { AuthContext } from '../shared/auth/authenticate.ts';
import { tokenStatus } from '../shared/auth/token-status.ts';
import { consumeWsTicket } from '../shared/auth/ws-ticket.ts';
import { findSessionWithSecret } from '../shared/db/repositories/sessions.repository.ts';
import type { RealtimeDeps } from './deps.ts';

/** What the upgrade request carried, read synchronously before the request object dies. */
export interface UpgradeCredentials {
  uid: string;
  authorization: string;
  token: string;
  ticket: string;
}

export type UpgradeVerdict =
  | { kind: 'ok'; auth: AuthContext; sessionExpiresAt: Date }
  /** A genuine token or ticket whose session has expired: close 4002, the client refreshes or logs in. */
  | { kind: 'expired' }
  /** Anything else: close 4001. */
  | { kind: 'refused' };

/**
 * Resolves who is connecting: a token (header or `?token=`) or a single-use `?ticket=`, and the
 * `?uid=` must name the same user. An expired session is told apart from a bad credential.
 */
export async function authenticateUpgrade(deps: RealtimeDeps, creds: UpgradeCredentials, now = new Date()): Promise<UpgradeVerdict> {
  const bearer = /^Bearer (\S+)$/i.exec(creds.authorization)?.[1];
  const token = bearer ?? creds.token;
  let verdict: UpgradeVerdict = { kind: 'refused' };
  if (token) {
    const checked = await tokenStatus(deps.db, token, deps.config.auth.tokenTtlSeconds, now);
    if (checked.status === 'valid') verdict = { kind: 'ok', auth: checked.auth, sessionExpiresAt: checked.sessionExpiresAt };
    else if (checked.status === 'expired') verdict = { kind: 'expired' };
  } else if (creds.ticket) {
    const auth = await consumeWsTicket(deps.redis, deps.keys, creds.ticket);
    // The session the ticket came from may have been revoked, or have expired, since it was issued.
    const session = auth ? await findSessionWithSecret(deps.db, auth.uid, auth.clientKey) : undefined;
    if (auth && session) verdict = session.expires_at > now ? { kind: 'ok', auth, sessionExpiresAt: session.expires_at } : { kind: 'expired' };
  }
  if (verdict.kind !== 'ok') return verdict;
  if (verdict.auth.uid !== creds.uid) return { kind: 'refused' };
  const { uid, clientKey, clientType } = verdict.auth;
  return { ...verdict, auth: { uid: ownCopy(uid), clientKey: ownCopy(clientKey), clientType } };
}

/**
 * A copy of a string that holds on to nothing else: a field cut out of a token by a regular
 * expression keeps the whole token alive, and an open socket should keep only who it is.
 */
const ownCopy = (text: string) => Buffer.from(text, 'latin1').toString('latin1');

/**
 * When a connected socket's session ends, asked again at its expiry: a refresh since then moved
 * `expires_at` later, and the socket lives on until the new time. Null when the session is over.
 */
export async function currentSessionExpiry(deps: RealtimeDeps, auth: AuthContext, now = new Date()): Promise<Date | null> {
  const session = await findSessionWithSecret(deps.db, auth.uid, auth.clientKey);
  return session && session.expires_at > now ? session.expires_at : null;
}
