/** WebSocket close codes a client can act on (DESIGN §7). */
export const CloseCode = {
  badToken: 4001,
  sessionRevoked: 4003,
  tooSlow: 4008,
  nodeFull: 4009,
  nodeRestarting: 4200,
  frameTooBig: 1009,
  tryAgainLater: 1013,
} as const;

export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];
