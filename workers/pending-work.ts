/**
 * Work a process has started on its own (the pushes and webhook events of a committed send batch,
 * say) and must see finished before it closes the connections the work uses.
 */
export class PendingWork {
  private readonly running = new Set<Promise<void>>();

  /** Follows `work`, which handles its own failures: a rejection here is a bug, and is rethrown to the caller of `settled`. */
  track(work: Promise<void>): void {
    const followed = work.finally(() => this.running.delete(followed));
    this.running.add(followed);
  }

  /** Resolves once every piece of work tracked so far, and any tracked meanwhile, has ended. */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }
}
