import type { ClientType } from '../../auth/token.ts';
import { runNamed, type Db } from '../knex.ts';

export interface SessionRow {
  uid: string;
  client_key: string;
  client_type: ClientType;
  refresh_hash: Buffer;
  issued_at: string;
  previous_refresh_hash: Buffer | null;
  previous_issued_at: string | null;
  previous_valid_until: Date | null;
  expires_at: Date;
  user_agent: string | null;
  created_at: Date;
  refreshed_at: Date;
}

/** A session joined with the user's current secret key: everything needed to check a token. */
export interface SessionWithSecret extends SessionRow {
  secret_key: string;
}

export async function insertSession(
  db: Db,
  session: Pick<SessionRow, 'uid' | 'client_key' | 'client_type' | 'refresh_hash' | 'expires_at' | 'user_agent'> & { issued_at: number },
): Promise<void> {
  await db('sessions').insert(session);
}

export async function findSessionWithSecret(db: Db, uid: string, clientKey: string): Promise<SessionWithSecret | undefined> {
  return db('sessions as s')
    .join('users as u', 'u.uid', 's.uid')
    .select('s.*', 'u.secret_key')
    .where({ 's.uid': uid, 's.client_key': clientKey })
    .first();
}

/**
 * Of these (uid, client key) pairs, those whose session exists and has not expired: one statement of
 * one text, named, whatever the number of pairs (the send path asks it for every batch). A client key
 * matches only exactly: compared as text, so neither a longer one is cut to the column's length nor
 * one padded with spaces taken for the key it pads (as `char` comparison would).
 */
export async function findLiveSessions(db: Db, sessions: readonly { uid: string; clientKey: string }[]): Promise<{ uid: string; client_key: string }[]> {
  if (sessions.length === 0) return [];
  return runNamed<{ uid: string; client_key: string }>(
    db,
    'find_live_sessions',
    `select s.uid, s.client_key from sessions s
       join unnest(?::bpchar[], ?::text[]) as w(uid, client_key) on s.uid = w.uid and s.client_key::text = w.client_key
      where s.expires_at > now()`,
    [sessions.map((s) => s.uid), sessions.map((s) => s.clientKey)],
  );
}

/**
 * Replaces the refresh secret, keeping the old one valid until `previousValidUntil`.
 * Only succeeds if the session still holds `expectedRefreshHash`, so two racing refreshes of the
 * same token cannot both win.
 */
export async function rotateRefresh(
  db: Db,
  args: {
    uid: string;
    clientKey: string;
    expectedRefreshHash: Buffer;
    refreshHash: Buffer;
    issuedAt: number;
    expiresAt: Date;
    previousValidUntil: Date;
  },
): Promise<boolean> {
  const updated = await db('sessions')
    .where({ uid: args.uid, client_key: args.clientKey, refresh_hash: args.expectedRefreshHash })
    .update({
      previous_refresh_hash: db.ref('refresh_hash'),
      previous_issued_at: db.ref('issued_at'),
      previous_valid_until: args.previousValidUntil,
      refresh_hash: args.refreshHash,
      issued_at: args.issuedAt,
      expires_at: args.expiresAt,
      refreshed_at: db.fn.now(),
    });
  return updated === 1;
}

export async function listSessions(db: Db, uid: string): Promise<SessionRow[]> {
  return db<SessionRow>('sessions').where({ uid }).andWhere('expires_at', '>', db.fn.now()).orderBy('created_at', 'desc');
}

export async function deleteSession(db: Db, uid: string, clientKey: string): Promise<boolean> {
  return (await db('sessions').where({ uid, client_key: clientKey }).delete()) === 1;
}

export async function deleteAllSessions(db: Db, uid: string): Promise<number> {
  return db('sessions').where({ uid }).delete();
}

export async function deleteExpiredSessions(db: Db, uid: string): Promise<number> {
  return db('sessions').where({ uid }).andWhere('expires_at', '<=', db.fn.now()).delete();
}
