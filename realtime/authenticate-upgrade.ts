import { authenticateToken, type AuthContext } from '../shared/auth/authenticate.ts';
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

/**
 * Resolves who is connecting: a token (header or `?token=`) or a single-use `?ticket=`, and the
 * `?uid=` must name the same user. Null when any part fails.
 */
export async function authenticateUpgrade(deps: RealtimeDeps, creds: UpgradeCredentials): Promise<AuthContext | null> {
  const bearer = /^Bearer (\S+)$/i.exec(creds.authorization)?.[1];
  const token = bearer ?? creds.token;
  let auth: AuthContext | null = null;
  if (token) {
    auth = await authenticateToken(deps.db, token);
  } else if (creds.ticket) {
    auth = await consumeWsTicket(deps.redis, deps.keys, creds.ticket);
    // The session the ticket came from may have been revoked since it was issued.
    if (auth && !(await sessionIsLive(deps, auth))) auth = null;
  }
  return auth && auth.uid === creds.uid ? auth : null;
}

async function sessionIsLive(deps: RealtimeDeps, auth: AuthContext): Promise<boolean> {
  const session = await findSessionWithSecret(deps.db, auth.uid, auth.clientKey);
  return session !== undefined && session.expires_at > new Date();
}
