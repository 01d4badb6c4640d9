/** A small typed event emitter. A throwing handler is reported on the console and does not stop the others. */
export class Emitter<Events extends object> {
  private readonly handlers = new Map<keyof Events, Set<(data: never) => void>>();

  on<E extends keyof Events>(event: E, handler: (data: Events[E]) => void): () => void {
    let set = this.handlers.get(event);
    if (!set) this.handlers.set(event, (set = new Set()));
    set.add(handler as (data: never) => void);
    return () => {
      set.delete(handler as (data: never) => void);
    };
  }

  emit<E extends keyof Events>(event: E, data: Events[E]): void {
    const set = this.handlers.get(event);
    if (!set) return;
    for (const handler of [...set]) {
      try {
        (handler as (data: Events[E]) => void)(data);
      } catch (error) {
        console.error(`@wetty/client: a "${String(event)}" handler threw`, error);
      }
    }
  }

  clear(): void {
    this.handlers.clear();
  }
}
