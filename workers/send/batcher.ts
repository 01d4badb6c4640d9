/**
 * Collects items submitted one by one and hands them to `run` together: as soon as `maxItems` are
 * waiting, or `maxWaitMs` after the first one arrived. Each submitter gets its own result back.
 * Lets many concurrent BullMQ jobs share one database transaction.
 */
export class Batcher<In, Out> {
  private pending: { item: In; resolve: (out: Out) => void; reject: (err: unknown) => void }[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly run: (items: In[]) => Promise<Out[]>,
    private readonly options: { maxItems: number; maxWaitMs: number },
  ) {}

  submit(item: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.pending.length >= this.options.maxItems) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.options.maxWaitMs);
    });
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    this.run(batch.map((b) => b.item)).then(
      (results) => batch.forEach((b, i) => b.resolve(results[i] as Out)),
      (err: unknown) => batch.forEach((b) => b.reject(err)),
    );
  }
}
