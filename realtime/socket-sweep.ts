import { CloseCode } from '../shared/contracts/close-codes.ts';
import type { Socket } from './connections.ts';

/**
 * How often a client should send `ping` for a given idle timeout: well inside it, so one late or
 * lost ping does not close the socket, and at most every 30 s.
 */
export const pingIntervalMs = (idleTimeoutMs: number) => Math.min(30_000, Math.floor(idleTimeoutMs / 2.5));

/**
 * Once per `everyMs`, looks at every connected socket:
 * - silent (no frame, ping or pong from the client) for `idleMs` → closed with 4005 and a reason, so a
 *   browser can tell it from a network failure (uWebSockets.js's own idle timeout closes without a frame);
 * - its session's expiry reached → handed to `sessionDue` (which checks for a refresh, or closes with 4002).
 */
export function startSocketSweep(
  sockets: () => readonly Socket[],
  options: { idleMs: number; everyMs?: number },
  sessionDue: (ws: Socket) => void,
): { stop(): void } {
  const everyMs = options.everyMs ?? Math.min(1000, Math.floor(options.idleMs / 4));
  const timer = setInterval(() => {
    const now = Date.now();
    // sockets() is a copy: closing one inside the loop does not disturb it.
    for (const ws of sockets()) {
      const data = ws.getUserData();
      if (data.closed) continue;
      if (now - data.lastHeardAt >= options.idleMs) ws.end(CloseCode.idleTimeout, 'idle timeout');
      else if (data.sessionExpiresAt !== 0 && data.sessionExpiresAt <= now && !data.checkingSession) sessionDue(ws);
    }
  }, everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
