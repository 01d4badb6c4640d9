/**
 * WebSocket close codes a client can act on (DESIGN §7). Each has one reason string, sent as the
 * close frame's reason, and one documented client action (docs/api.md "Close codes"):
 * - stop: do not reconnect with these credentials (log in again, or give up);
 * - refresh: get a fresh token (or log in again if that fails), then reconnect;
 * - reconnect: reconnect with exponential backoff and full jitter, then fill gaps.
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
