/**
 * Work a process has started on its own (the pushes and webhook events of a committed send batch,
 * say) and must see finished before it closes the connections the work uses. At most `limit` pieces
 * run at once: a producer waits for `room()` first, so work that falls behind slows what makes it
 * instead of piling up.
 */
export class PendingWork {
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly limit: number,
    /** Told of a piece of work that failed: each is meant to handle its own failures, so this is a bug. */
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Resolves once fewer than `limit` pieces of work are running. */
  async room(): Promise<void> {
    while (this.running.size >= this.limit) await Promise.race(this.running);
  }

  track(work: Promise<void>): void {
    const followed = work.catch(this.onError).finally(() => this.running.delete(followed));
    this.running.add(followed);
  }

  /** Resolves once every piece of work tracked so far, and any tracked meanwhile, has ended. */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }
}
