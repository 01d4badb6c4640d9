/** Chats whose last typing time one socket keeps; past it, the stalest is forgotten. */
export const TYPING_CHATS_PER_SOCKET = 16;
/** Typing frames of one socket being checked (membership) at once; more are dropped. */
export const TYPING_CHECKS_IN_FLIGHT = 2;

/**
 * Which typing frames to relay: at most one per chat per interval for each socket. Its memory is
 * bounded whatever a client sends: a few chats per socket (junk chat ids push out only their own
 * socket's entries, and go with the socket), and a few membership checks in flight per socket, so a
 * flood cannot queue work either. Typing is ephemeral: a dropped frame costs nothing.
 */
export class TypingThrottle<S extends object> {
  private readonly sockets = new WeakMap<S, { lastByChat: Map<string, number>; inFlight: number }>();

  constructor(private readonly intervalMs: number) {}

  /** Whether to check and relay this frame; when true, call `done` once the check finished. */
  begin(ws: S, chatId: string, now = Date.now()): boolean {
    let state = this.sockets.get(ws);
    if (!state) {
      state = { lastByChat: new Map(), inFlight: 0 };
      this.sockets.set(ws, state);
    }
    const last = state.lastByChat.get(chatId);
    if (last !== undefined && now - last < this.intervalMs) return false;
    if (state.inFlight >= TYPING_CHECKS_IN_FLIGHT) return false;
    // Re-inserted so the map's order is oldest first; the oldest goes when it is full.
    state.lastByChat.delete(chatId);
    state.lastByChat.set(chatId, now);
    if (state.lastByChat.size > TYPING_CHATS_PER_SOCKET) {
      const stalest = state.lastByChat.keys().next().value;
      if (stalest !== undefined) state.lastByChat.delete(stalest);
    }
    state.inFlight++;
    return true;
  }

  done(ws: S): void {
    const state = this.sockets.get(ws);
    if (state) state.inFlight = Math.max(0, state.inFlight - 1);
  }

  /** Chats remembered for a socket (for tests). */
  size(ws: S): number {
    return this.sockets.get(ws)?.lastByChat.size ?? 0;
  }
}
