/** Messages between the load driver and its client processes (Node IPC, JSON). */

export interface SocketIdentity {
  uid: string;
  token: string;
}

/** Driver → client: who to connect, from which source address, and how fast. */
export interface ClientJob {
  type: 'start';
  wsUrl: string;
  localAddress: string;
  identities: SocketIdentity[];
  handshakesInFlight: number;
  pingIntervalMs: number;
}

/** Client → driver, once a second: what changed since the last report. */
export interface ClientReport {
  type: 'report';
  open: number;
  attempted: number;
  connectMs: number[];
  /** Close codes of sockets that had opened, counted. */
  closes: Record<string, number>;
  /** Failures before open, by kind (EADDRNOTAVAIL, EMFILE, unexpected-response, …). */
  failures: Record<string, number>;
  /** [client_generated_id, epoch ms received] for every message frame from someone else. */
  deliveries: [string, number][];
  duplicates: number;
  done: boolean;
}

export type DriverMessage = ClientJob | { type: 'stop' };

/** Wall-clock milliseconds with sub-millisecond precision, comparable across processes. */
export const epochMs = () => performance.timeOrigin + performance.now();
