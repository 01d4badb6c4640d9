/**
 * What this node recently pushed, to drop a repeat at the edge: a push is delivered at least once
 * between processes (a worker stopped between a publish and the removal of its outbox row, a job run
 * again), and the same frame on the same channel within `windowMs` is the same push again. Keyed by
 * (channel, frame identity); frames without an identity are never remembered. Bounded: past
 * `maxEntries`, the oldest are forgotten first (a repeat after that reaches sockets, and clients drop
 * it by id, as after any reconnect).
 */
export class RecentFrames {
  /** Key → when first pushed (ms). A Map keeps insertion order, so the oldest come first. */
  private readonly pushedAt = new Map<string, number>();

  constructor(
    private readonly windowMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Answers true the first time (channel, identity) is seen within the window, and remembers it. */
  firstPush(channel: string, identity: string): boolean {
    const key = `${channel} ${identity}`;
    const now = this.now();
    const at = this.pushedAt.get(key);
    if (at !== undefined && now - at < this.windowMs) return false;
    if (at !== undefined) this.pushedAt.delete(key);
    this.pushedAt.set(key, now);
    this.forgetOld(now);
    return true;
  }

  get size(): number {
    return this.pushedAt.size;
  }

  private forgetOld(now: number): void {
    for (const [key, at] of this.pushedAt) {
      if (this.pushedAt.size <= this.maxEntries && now - at < this.windowMs) return;
      this.pushedAt.delete(key);
    }
  }
}
