import type { Message } from '../protocol/frames.ts';

/** A chat event that refers to a message by its seq (a recall, a reaction change). */
export interface SeqEvent {
  seq: number;
}

/** What the buffer hands to the app: a message, or an event about a delivered message. */
export type Released<E> = { message: Message; event?: undefined } | { event: E; message?: undefined };

/**
 * One chat's ordering buffer. `delivered` is the highest seq below which everything has been
 * handed to the app (unknown until the chat is seeded or a fill starts it at 0). Messages above
 * `delivered + 1` wait in the buffer until the gap is filled; a message at or below `delivered` is a
 * duplicate and is dropped. Events about a message not yet delivered wait for it.
 */
export class ChatOrder<E extends SeqEvent = SeqEvent> {
  private readonly buffer = new Map<number, Message>();
  private readonly waiting = new Map<number, E[]>();

  constructor(private position: number | undefined = undefined) {}

  /** The highest contiguous seq handed to the app, or undefined while unknown. */
  get delivered(): number | undefined {
    return this.position;
  }

  /** How many messages wait for a gap to be filled. */
  get buffered(): number {
    return this.buffer.size;
  }

  /** True when messages wait (a gap below them), or the position is unknown and something arrived. */
  get hasGap(): boolean {
    return this.buffer.size > 0 || (this.position === undefined && this.waiting.size > 0);
  }

  /** The lowest buffered seq (the end of the gap), if any. */
  get firstBuffered(): number | undefined {
    let lowest: number | undefined;
    for (const seq of this.buffer.keys()) if (lowest === undefined || seq < lowest) lowest = seq;
    return lowest;
  }

  /** Sets the position when it is unknown (from a chat list or history); returns what became deliverable. */
  seed(seq: number): Array<Released<E>> {
    if (this.position !== undefined) return [];
    this.position = seq;
    for (const buffered of this.buffer.keys()) if (buffered <= seq) this.buffer.delete(buffered);
    return [...this.releaseEvents(), ...this.drain()];
  }

  /** A message from a frame or a fill page; returns what to hand to the app now, in order. */
  push(message: Message): Array<Released<E>> {
    if (this.position !== undefined && message.seq <= this.position) return [];
    this.buffer.set(message.seq, message);
    return this.drain();
  }

  /** An event about the message at `event.seq`: now if that message was delivered, else after it. */
  pushEvent(event: E): Array<Released<E>> {
    if (this.position !== undefined && event.seq <= this.position) return [{ event }];
    const list = this.waiting.get(event.seq);
    if (list) list.push(event);
    else this.waiting.set(event.seq, [event]);
    return [];
  }

  /**
   * Gives up on the gap: moves the position to just before the first buffered message and
   * delivers from there. Returns the seq the position was at (what may be missing comes after it).
   */
  skipGap(): { from: number; released: Array<Released<E>> } {
    const from = this.position ?? 0;
    const first = this.firstBuffered;
    if (first === undefined) return { from, released: [] };
    this.position = first - 1;
    return { from, released: [...this.releaseEvents(), ...this.drain()] };
  }

  private drain(): Array<Released<E>> {
    const out: Array<Released<E>> = [];
    if (this.position === undefined) return out;
    for (;;) {
      const next = this.buffer.get(this.position + 1);
      if (!next) break;
      this.buffer.delete(next.seq);
      this.position = next.seq;
      out.push({ message: next });
      const events = this.waiting.get(next.seq);
      if (events) {
        this.waiting.delete(next.seq);
        for (const event of events) out.push({ event });
      }
    }
    return out;
  }

  private releaseEvents(): Array<Released<E>> {
    const out: Array<Released<E>> = [];
    if (this.position === undefined) return out;
    for (const [seq, events] of [...this.waiting].sort((a, b) => a[0] - b[0])) {
      if (seq > this.position) continue;
      this.waiting.delete(seq);
      for (const event of events) out.push({ event });
    }
    return out;
  }
}
