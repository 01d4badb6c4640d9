import type { Message, ServerFrames } from '../protocol/frames.ts';
import type { ResponseOf } from '../rest/request-types.ts';
import type { GapUnrecoverable } from '../types.ts';
import { ChatOrder, type Released } from './chat-order.ts';
import { GapFiller } from './gap-filler.ts';

type ChatEvent =
  | { kind: 'recall'; data: ServerFrames['on_recall']; seq: number }
  | { kind: 'reaction'; data: ServerFrames['on_reaction']; seq: number }
  | { kind: 'edit'; data: ServerFrames['on_edit']; seq: number };

export interface DeliveryHooks {
  /** One page of `GET /chats/{chat_id}/messages?after=`. */
  fetchAfter(chatId: string, after: number, max: number): Promise<ResponseOf<'GET /chats/{chat_id}/messages'>>;
  /** The chat list, to learn where each chat is. */
  fetchChats(): Promise<ResponseOf<'GET /chats'>>;
  message(message: Message): void;
  recall(data: ServerFrames['on_recall']): void;
  reaction(data: ServerFrames['on_reaction']): void;
  edit(data: ServerFrames['on_edit']): void;
  /** The chat list read on a catch-up (null when it could not be read), for the change feed. */
  listed(chats: ResponseOf<'GET /chats'>['chats'] | null): void;
  unrecoverable(gap: GapUnrecoverable): void;
  /** Every message seen, from a frame or a fill (before ordering), for the outbox to match. */
  seen(message: Message): void;
}

export interface DeliveryOptions {
  pageSize: number;
  maxPages: number;
  gapTimeoutMs: number;
  maxFailures: number;
}


/**
 * Per-chat ordered, gapless, exactly-once delivery. Every message passes through its chat's
 * ordering buffer; a gap is filled with `?after=` pages when it lasts `gapTimeoutMs`, on every
 * `on_ready` and on `resync` (for each chat behind the chat list, which also places chats not seen
 * before). A fill that fails `maxFailures`
 * times in a row reports `gap_unrecoverable` and delivers from the first message it holds.
 */
export class Delivery {
  private readonly chats = new Map<string, ChatOrder<ChatEvent>>();
  private readonly filler: GapFiller;
  private catchingUp: Promise<void> | undefined;

  constructor(
    private readonly hooks: DeliveryHooks,
    private readonly options: DeliveryOptions,
  ) {
    this.filler = new GapFiller(
      {
        hasGap: (chatId) => this.chats.get(chatId)?.hasGap ?? false,
        read: (chatId) => this.readMissing(chatId),
        filled: (chatId) => this.filler.watch(chatId),
        // Not a member any more, or the chat is gone: nothing to fill.
        gone: (chatId) => this.chats.delete(chatId),
        gaveUp: (chatId, error) => {
          const { from, released } = this.chat(chatId).skipGap();
          this.hooks.unrecoverable({ chatId, afterSeq: from, error });
          this.release(chatId, released);
          this.filler.watch(chatId);
        },
      },
      options,
    );
  }

  /** Where a chat stands (for tests and apps that persist positions). */
  position(chatId: string): number | undefined {
    return this.chats.get(chatId)?.delivered;
  }

  seed(chatId: string, seq: number): void {
    this.release(chatId, this.chat(chatId).seed(seq));
  }

  onMessage(message: Message): void {
    this.hooks.seen(message);
    this.release(message.chat_id, this.chat(message.chat_id).push(message));
    this.filler.watch(message.chat_id);
  }

  onRecall(data: ServerFrames['on_recall']): void {
    this.onEvent(data.chat_id, { kind: 'recall', data, seq: data.seq });
  }

  onReaction(data: ServerFrames['on_reaction']): void {
    this.onEvent(data.chat_id, { kind: 'reaction', data, seq: data.seq });
  }

  onEdit(data: ServerFrames['on_edit']): void {
    this.onEvent(data.chat_id, { kind: 'edit', data, seq: data.seq });
  }

  /** After `on_ready` or `resync`: learn where every chat is and fill the ones behind. */
  catchUp(): Promise<void> {
    this.catchingUp ??= this.doCatchUp().finally(() => (this.catchingUp = undefined));
    return this.catchingUp;
  }

  stop(): void {
    this.filler.stop();
  }

  private async doCatchUp(): Promise<void> {
    let list: ResponseOf<'GET /chats'>;
    try {
      list = await this.hooks.fetchChats();
    } catch {
      // Without the list, fill every chat we know (a cheap request each when nothing is missing).
      for (const chatId of this.chats.keys()) this.filler.fill(chatId);
      this.hooks.listed(null);
      return;
    }
    const inList = new Set<string>();
    for (const item of list.chats) {
      inList.add(item.chat_id);
      const order = this.chat(item.chat_id);
      if (order.delivered === undefined) this.release(item.chat_id, order.seed(item.last_seq));
      else if (item.last_seq > order.delivered) this.filler.fill(item.chat_id);
    }
    const full = list.chats.length >= 100;
    for (const [chatId, order] of this.chats) {
      if (inList.has(chatId)) continue;
      if ((full && order.delivered !== undefined) || order.hasGap) this.filler.fill(chatId);
    }
    this.hooks.listed(list.chats);
  }

  private onEvent(chatId: string, event: ChatEvent): void {
    this.release(chatId, this.chat(chatId).pushEvent(event));
  }

  private chat(chatId: string): ChatOrder<ChatEvent> {
    let order = this.chats.get(chatId);
    if (!order) this.chats.set(chatId, (order = new ChatOrder<ChatEvent>()));
    return order;
  }

  private release(chatId: string, released: Array<Released<ChatEvent>>): void {
    for (const item of released) {
      if (item.message) this.hooks.message(item.message);
      else if (item.event.kind === 'recall') this.hooks.recall(item.event.data);
      else if (item.event.kind === 'edit') this.hooks.edit(item.event.data);
      else this.hooks.reaction(item.event.data);
    }
    if (!this.chats.get(chatId)?.hasGap) this.filler.settled(chatId);
  }

  /** Fills pages until nothing is missing or `maxPages` were read; true when more remain. */
  private async readMissing(chatId: string): Promise<boolean> {
    const order = this.chat(chatId);
    // A chat first seen through live frames starts just before the first one held (the frames of
    // its first `gapTimeoutMs` were reordered while they waited).
    if (order.delivered === undefined) this.release(chatId, order.seed(Math.max(0, (order.firstBuffered ?? 1) - 1)));
    for (let page = 0; page < this.options.maxPages; page += 1) {
      const after = order.delivered ?? 0;
      const answer = await this.hooks.fetchAfter(chatId, after, this.options.pageSize);
      for (const message of answer.messages) {
        this.hooks.seen(message);
        this.release(chatId, order.push(message));
      }
      if (!answer.has_more || answer.messages.length === 0 || order.delivered === after) return false;
    }
    return true;
  }
}
