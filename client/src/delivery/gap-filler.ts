import { fullJitterDelay } from '../connection/backoff.ts';
import { WettyError } from '../errors.ts';

export interface GapFillerHooks {
  /** Whether the chat still misses something. */
  hasGap(chatId: string): boolean;
  /** Reads what the chat misses; true when more remains to read right away. */
  read(chatId: string): Promise<boolean>;
  /** A fill finished with nothing more to read now. */
  filled(chatId: string): void;
  /** The server says the chat is not the caller's any more (403) or gone (404): forget it. */
  gone(chatId: string): void;
  /** `maxFailures` fills failed in a row: stop waiting for what is missing. */
  gaveUp(chatId: string, error: WettyError): void;
}

interface FillState {
  filling: boolean;
  /** Asked to fill while a fill ran: fill again after it. */
  again: boolean;
  failures: number;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * When and how often a chat's missing pieces are fetched, for the message gap fill (`?after=`) and
 * the change feed (`?since=`) alike: a gap that lasts `gapTimeoutMs` is filled, one fill at a time
 * per chat (a request during a fill runs once after it), failures back off with full jitter (or the
 * server's `Retry-After`), and after `maxFailures` in a row the owner gives up on the gap.
 */
export class GapFiller {
  private readonly chats = new Map<string, FillState>();
  /** After `stop()` nothing is read or scheduled again, whatever a read still in flight answers. */
  private stopped = false;

  constructor(
    private readonly hooks: GapFillerHooks,
    private readonly options: { gapTimeoutMs: number; maxFailures: number },
  ) {}

  /** A gap may have opened: fill it if it is still there after `gapTimeoutMs`. */
  watch(chatId: string): void {
    if (this.stopped) return;
    const chat = this.state(chatId);
    if (!this.hooks.hasGap(chatId) || chat.timer !== undefined || chat.filling) return;
    chat.timer = setTimeout(() => {
      chat.timer = undefined;
      if (this.hooks.hasGap(chatId)) this.fill(chatId);
    }, this.options.gapTimeoutMs);
  }

  /** Nothing is missing any more: a pending gap timer is not needed. */
  settled(chatId: string): void {
    const chat = this.chats.get(chatId);
    if (chat && chat.timer !== undefined && !chat.filling) {
      clearTimeout(chat.timer);
      chat.timer = undefined;
    }
  }

  fill(chatId: string): void {
    if (this.stopped) return;
    const chat = this.state(chatId);
    if (chat.filling) {
      chat.again = true;
      return;
    }
    if (chat.timer !== undefined) clearTimeout(chat.timer);
    chat.timer = undefined;
    chat.filling = true;
    chat.again = false;
    this.hooks.read(chatId).then(
      (more) => {
        chat.filling = false;
        if (this.stopped) return;
        chat.failures = 0;
        if (more || chat.again) this.fill(chatId);
        else this.hooks.filled(chatId);
      },
      (error: unknown) => {
        chat.filling = false;
        if (this.stopped) return;
        const failure = error instanceof WettyError ? error : new WettyError(0, 'network_error', String(error));
        if (failure.status === 403 || failure.status === 404) {
          this.forget(chatId);
          this.hooks.gone(chatId);
          return;
        }
        chat.failures += 1;
        if (chat.failures >= this.options.maxFailures) {
          chat.failures = 0;
          this.hooks.gaveUp(chatId, failure);
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

  forget(chatId: string): void {
    const chat = this.chats.get(chatId);
    if (chat?.timer !== undefined) clearTimeout(chat.timer);
    this.chats.delete(chatId);
  }

  stop(): void {
    this.stopped = true;
    for (const chat of this.chats.values()) if (chat.timer !== undefined) clearTimeout(chat.timer);
    this.chats.clear();
  }

  private state(chatId: string): FillState {
    let chat = this.chats.get(chatId);
    if (!chat) this.chats.set(chatId, (chat = { filling: false, again: false, failures: 0, timer: undefined }));
    return chat;
  }
}
