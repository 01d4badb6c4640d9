import type { Redis } from 'ioredis';
import { SendReplies, type SettledSend } from '../../shared/contracts/send-replies.ts';
import type { Logger } from '../../shared/logger.ts';
import { onChannelMessage, subscribe } from '../../shared/redis/pubsub.ts';

/**
 * The workers' answers to this api process's sends, heard on its own channel (one per process): each
 * waiting request is found by the `ref` it was enqueued with. An answer that arrives after its wait
 * ran out (the request was answered 202) is dropped.
 */
export class SendReplyListener {
  private readonly waiting = new Map<number, (outcome: SettledSend | null) => void>();
  private nextRef = 0;

  private constructor(readonly channel: string) {}

  static async open(subscriber: Redis, channel: string, log: Logger): Promise<SendReplyListener> {
    const listener = new SendReplyListener(channel);
    onChannelMessage(subscriber, (from: string, text: string) => {
      if (from !== channel) return;
      try {
        listener.settle(SendReplies.parse(JSON.parse(text)));
      } catch (err) {
        log.error({ err: (err as Error).message }, 'unreadable send replies dropped');
      }
    });
    await subscribe(subscriber, [channel]);
    return listener;
  }

  /** A new ref and the wait for its answer: the outcome, or null when none came within `ttlMs`. */
  expect(ttlMs: number): { ref: number; outcome: Promise<SettledSend | null>; cancel(): void } {
    const ref = this.nextRef++;
    let cancel = () => undefined as void;
    const outcome = new Promise<SettledSend | null>((resolve) => {
      const timer = setTimeout(() => finish(null), ttlMs);
      const finish = (value: SettledSend | null) => {
        clearTimeout(timer);
        this.waiting.delete(ref);
        resolve(value);
      };
      cancel = () => finish(null);
      this.waiting.set(ref, finish);
    });
    return { ref, outcome, cancel };
  }

  private settle(message: SendReplies): void {
    for (const { ref, outcome } of message.replies) this.waiting.get(ref)?.(outcome);
  }
}
