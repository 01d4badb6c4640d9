import type { Redis } from 'ioredis';
import type { Logger } from '../shared/logger.ts';
import * as pubsub from '../shared/redis/pubsub.ts';

/**
 * The node's Redis subscriptions, on one dedicated connection: a channel is subscribed while at
 * least one local socket needs it. When the connection comes back after a loss, every channel is
 * subscribed again and `onResubscribed` runs, so clients can be told to catch up on what they missed.
 */
export class Subscriptions {
  private readonly counts = new Map<string, number>();
  /** Channels whose subscribe failed: retried until they succeed or no socket needs them. */
  private readonly failed = new Set<string>();
  private retry: NodeJS.Timeout | null = null;

  constructor(
    private readonly subscriber: Redis,
    private readonly log: Logger,
    onMessage: (channel: string, message: string) => void,
    private readonly onResubscribed: () => void,
    private readonly retryMs = 1000,
  ) {
    pubsub.onChannelMessage(subscriber, onMessage);
    subscriber.on('ready', () => {
      if (this.failed.size > 0 && !this.retry) this.retry = setTimeout(() => this.retryFailedLogged(), 0);
    });
    // ioredis re-subscribes by itself; what was published meanwhile is lost.
    pubsub.onResubscribed(subscriber, () => {
      log.warn({ channels: this.counts.size }, 'redis subscription restored; telling clients to resync');
      this.onResubscribed();
    });
  }

  async add(channel: string): Promise<void> {
    const count = this.counts.get(channel) ?? 0;
    this.counts.set(channel, count + 1);
    if (count === 0) await this.subscribe([channel]);
  }

  private async subscribe(channels: string[]): Promise<boolean> {
    try {
      await pubsub.subscribe(this.subscriber, channels);
      return true;
    } catch (err) {
      // Not subscribed, yet counted as needed: without a retry the channel would stay silent for good.
      this.log.warn({ err: err instanceof Error ? err.message : err, channels: channels.length }, 'subscribe failed; retrying');
      for (const channel of channels) this.failed.add(channel);
      this.retry ??= setTimeout(() => this.retryFailedLogged(), this.retryMs);
      return false;
    }
  }

  private retryFailedLogged(): void {
    this.retryFailed().catch((err: unknown) => this.log.error({ err }, 'retrying subscribes failed'));
  }

  private async retryFailed(): Promise<void> {
    this.retry = null;
    const channels = [...this.failed].filter((channel) => this.counts.has(channel));
    this.failed.clear();
    // Frames published while the channel was not subscribed are lost: its sockets catch up.
    if (channels.length > 0 && (await this.subscribe(channels))) {
      this.log.info({ channels: channels.length }, 'subscribe succeeded on retry; telling clients to resync');
      this.onResubscribed();
    }
  }

  /** Stops retrying failed subscribes (the node is stopping). */
  stop(): void {
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
  }

  async remove(channel: string): Promise<void> {
    const count = this.counts.get(channel) ?? 0;
    if (count <= 1) {
      this.counts.delete(channel);
      if (this.failed.delete(channel)) return;
      if (count === 1) await pubsub.unsubscribe(this.subscriber, channel).catch((err: Error) => this.log.warn({ err: err.message, channel }, 'unsubscribe failed'));
    } else {
      this.counts.set(channel, count - 1);
    }
  }

  get channelCount(): number {
    return this.counts.size;
  }
}
