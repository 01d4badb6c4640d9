/**
 * WebSocket close codes a client can act on. This is the one declaration: the realtime nodes close
 * with these codes and the SDK decides from this table what to do. Each has one reason string (the
 * close frame's reason) and one client action:
 * - `stop`: do not reconnect with these credentials (log in again, or give up);
 * - `refresh`: get a fresh token (or log in again if that fails), then reconnect;
 * - `reconnect`: reconnect with exponential backoff and full jitter, then fill gaps;
 * - `reconnect_later`: as `reconnect`, with a long backoff (the cause will not go away in seconds).
 */
export const CloseCode = {
  /** Missing, malformed or forged token or ticket, or a uid that is not the token's. Stop. */
  badToken: 4001,
  /** The session's token expired (live, at expiry; or presented after expiry). Refresh. */
  sessionExpired: 4002,
  /** The session was revoked (logout, revoke, logout_all). Stop. */
  sessionRevoked: 4003,
  /** A browser page on an origin that is not in CORS_ORIGINS. Stop. */
  originNotAllowed: 4004,
  /** Nothing heard from the client within the idle timeout. Reconnect. */
  idleTimeout: 4005,
  /** The user already holds the most sockets allowed. Reconnect later (long backoff). */
  tooManyConnections: 4006,
  /** The socket fell too far behind. Reconnect. */
  tooSlow: 4008,
  /** This node is full. Reconnect (another node may take you). */
  nodeFull: 4009,
  /** The client sent frames faster than allowed. Reconnect with backoff. */
  rateLimited: 4029,
  /** The node is restarting. Reconnect. */
  nodeRestarting: 4200,
  /** A frame over the size limit. Stop sending it; reconnect. */
  frameTooBig: 1009,
  /** The node could not check the credentials (PostgreSQL or Redis unreachable). Reconnect. */
  tryAgainLater: 1013,
} as const;

export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

export type CloseAction = 'stop' | 'refresh' | 'reconnect' | 'reconnect_later';

/** What a client does after each close code. */
export const closeActions: Readonly<Record<CloseCode, CloseAction>> = {
  4001: 'stop',
  4002: 'refresh',
  4003: 'stop',
  4004: 'stop',
  4005: 'reconnect',
  4006: 'reconnect_later',
  4008: 'reconnect',
  4009: 'reconnect',
  4029: 'reconnect',
  4200: 'reconnect',
  1009: 'reconnect',
  1013: 'reconnect',
};

/**
 * The action for any close code, including the ones not in the table: a network drop (1006), a
 * normal or going-away close from the server (1000, 1001), a server error (1011) — all reconnect.
 */
export function closeActionOf(code: number): CloseAction {
  return (closeActions as Record<number, CloseAction>)[code] ?? 'reconnect';
}
