import { WettyError } from '../errors.ts';
import type { Message, ServerFrames } from '../protocol/frames.ts';
import type { ResponseOf } from '../rest/request-types.ts';
import type { GapUnrecoverable } from '../types.ts';
import { fullJitterDelay } from '../connection/backoff.ts';
import { ChatOrder, type Released } from './chat-order.ts';

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

interface ChatState {
  order: ChatOrder<ChatEvent>;
  filling: boolean;
  again: boolean;
  failures: number;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * Per-chat ordered, gapless, exactly-once delivery. Every message passes through its chat's
 * ordering buffer; a gap is filled with `?after=` pages when it lasts `gapTimeoutMs`, on every
 * `on_ready` and on `resync` (for each chat behind the chat list, which also places chats not seen
 * before). A fill that fails `maxFailures`
 * times in a row reports `gap_unrecoverable` and delivers from the first message it holds.
 */
export class Delivery {
  private readonly chats = new Map<string, ChatState>();
  private catchingUp: Promise<void> | undefined;

  constructor(
    private readonly hooks: DeliveryHooks,
    private readonly options: DeliveryOptions,
  ) {}

  /** Where a chat stands (for tests and apps that persist positions). */
  position(chatId: string): number | undefined {
    return this.chats.get(chatId)?.order.delivered;
  }

  seed(chatId: string, seq: number): void {
    this.release(chatId, this.chat(chatId).order.seed(seq));
  }

  onMessage(message: Message): void {
    this.hooks.seen(message);
    const chat = this.chat(message.chat_id);
    this.release(message.chat_id, chat.order.push(message));
    this.watch(message.chat_id);
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
    for (const chat of this.chats.values()) if (chat.timer !== undefined) clearTimeout(chat.timer);
  }

  private async doCatchUp(): Promise<void> {
    let list: ResponseOf<'GET /chats'>;
    try {
      list = await this.hooks.fetchChats();
    } catch {
      // Without the list, fill every chat we know (a cheap request each when nothing is missing).
      for (const chatId of this.chats.keys()) this.fill(chatId);
      this.hooks.listed(null);
      return;
    }
    const inList = new Set<string>();
    for (const item of list.chats) {
      inList.add(item.chat_id);
      const chat = this.chat(item.chat_id);
      if (chat.order.delivered === undefined) this.release(item.chat_id, chat.order.seed(item.last_seq));
      else if (item.last_seq > chat.order.delivered) this.fill(item.chat_id);
    }
    const full = list.chats.length >= 100;
    for (const [chatId, chat] of this.chats) {
      if (inList.has(chatId)) continue;
      if ((full && chat.order.delivered !== undefined) || chat.order.hasGap) this.fill(chatId);
    }
    this.hooks.listed(list.chats);
  }

  private onEvent(chatId: string, event: ChatEvent): void {
    this.release(chatId, this.chat(chatId).order.pushEvent(event));
  }

  private chat(chatId: string): ChatState {
    let chat = this.chats.get(chatId);
    if (!chat) this.chats.set(chatId, (chat = { order: new ChatOrder<ChatEvent>(), filling: false, again: false, failures: 0, timer: undefined }));
    return chat;
  }

  private release(chatId: string, released: Array<Released<ChatEvent>>): void {
    for (const item of released) {
      if (item.message) this.hooks.message(item.message);
      else if (item.event.kind === 'recall') this.hooks.recall(item.event.data);
      else if (item.event.kind === 'edit') this.hooks.edit(item.event.data);
      else this.hooks.reaction(item.event.data);
    }
    const chat = this.chats.get(chatId);
    if (chat && !chat.order.hasGap && chat.timer !== undefined && !chat.filling) {
      clearTimeout(chat.timer);
      chat.timer = undefined;
    }
  }

  /** A gap that lasts `gapTimeoutMs` is filled. */
  private watch(chatId: string): void {
    const chat = this.chat(chatId);
    if (!chat.order.hasGap || chat.timer !== undefined || chat.filling) return;
    chat.timer = setTimeout(() => {
      chat.timer = undefined;
      if (chat.order.hasGap) this.fill(chatId);
    }, this.options.gapTimeoutMs);
  }

  private fill(chatId: string): void {
    const chat = this.chat(chatId);
    if (chat.filling) {
      chat.again = true;
      return;
    }
    if (chat.timer !== undefined) clearTimeout(chat.timer);
    chat.timer = undefined;
    chat.filling = true;
    chat.again = false;
    this.runFill(chatId, chat).then(
      (more) => {
        chat.filling = false;
        chat.failures = 0;
        if (more || chat.again) this.fill(chatId);
        else this.watch(chatId);
      },
      (error: unknown) => {
        chat.filling = false;
        const failure = error instanceof WettyError ? error : new WettyError(0, 'network_error', String(error));
        if (failure.status === 403 || failure.status === 404) {
          // Not a member any more, or the chat is gone: nothing to fill.
          this.stopChat(chatId);
          return;
        }
        chat.failures += 1;
        if (chat.failures >= this.options.maxFailures) {
          chat.failures = 0;
          const { from, released } = chat.order.skipGap();
          this.hooks.unrecoverable({ chatId, afterSeq: from, error: failure });
          this.release(chatId, released);
          this.watch(chatId);
          return;
        }
        const delay = Math.max(fullJitterDelay(chat.failures, 1000, 15_000), (failure.retryAfter ?? 0) * 1000);
        chat.timer = setTimeout(() => {
          chat.timer = undefined;
          this.fill(chatId);
        }, delay);
      },
    );
  }

  /** Fills pages until nothing is missing or `maxPages` were read; true when more remain. */
  private async runFill(chatId: string, chat: ChatState): Promise<boolean> {
    // A chat first seen through live frames starts just before the first one held (the frames of
    // its first `gapTimeoutMs` were reordered while they waited).
    if (chat.order.delivered === undefined) this.release(chatId, chat.order.seed(Math.max(0, (chat.order.firstBuffered ?? 1) - 1)));
    for (let page = 0; page < this.options.maxPages; page += 1) {
      const after = chat.order.delivered ?? 0;
      const answer = await this.hooks.fetchAfter(chatId, after, this.options.pageSize);
      for (const message of answer.messages) {
        this.hooks.seen(message);
        this.release(chatId, chat.order.push(message));
      }
      if (!answer.has_more || answer.messages.length === 0 || chat.order.delivered === after) return false;
    }
    return true;
  }

  private stopChat(chatId: string): void {
    const chat = this.chats.get(chatId);
    if (chat?.timer !== undefined) clearTimeout(chat.timer);
    this.chats.delete(chatId);
  }
}
