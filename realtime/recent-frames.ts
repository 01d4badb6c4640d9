/**
 * What this node recently pushed, to drop a repeat at the edge: a push is delivered at least once
 * between processes (a worker stopped between a publish and the removal of its outbox row, a job run
 * again), and the same frame on the same channel within `windowMs` is the same push again. Keyed by
 * (channel, frame identity); frames without an identity are never remembered. Bounded: past
 * `maxEntries`, the oldest are forgotten first (a repeat after that reaches sockets, and clients drop
 * it by id, as after any reconnect).
 */
export class RecentFrames {
  /** Key → when first pushed (ms). */
  private readonly pushedAt = new Map<string, number>();
  /**
   * The keys in the order they were remembered, to forget the oldest first: a queue of its own,
   * since deleting from the front of a Map leaves holes its iteration walks over again each time.
   */
  private keys: string[] = [];
  private ats: number[] = [];
  private head = 0;

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
    this.pushedAt.set(key, now);
    this.keys.push(key);
    this.ats.push(now);
    this.forgetOld(now);
    return true;
  }

  get size(): number {
    return this.pushedAt.size;
  }

  private forgetOld(now: number): void {
    while (this.head < this.keys.length) {
      const at = this.ats[this.head] as number;
      if (this.pushedAt.size <= this.maxEntries && now - at < this.windowMs) break;
      const key = this.keys[this.head] as string;
      // A key remembered again later has a newer entry further on: this one is only its past.
      if (this.pushedAt.get(key) === at) this.pushedAt.delete(key);
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.keys.length) {
      this.keys = this.keys.slice(this.head);
      this.ats = this.ats.slice(this.head);
      this.head = 0;
    }
  }
}
