import type { Redis } from 'ioredis';
import type { Logger } from '../shared/logger.ts';

/**
 * The node's Redis subscriptions, on one dedicated connection: a channel is subscribed while at
 * least one local socket needs it. When the connection comes back after a loss, every channel is
 * subscribed again and `onResubscribed` runs, so clients can be told to catch up on what they missed.
 */
export class Subscriptions {
  private readonly counts = new Map<string, number>();
  private everReady = false;

  constructor(
    private readonly subscriber: Redis,
    private readonly log: Logger,
    onMessage: (channel: string, message: string) => void,
    onResubscribed: () => void,
  ) {
    // The connection is usually ready before the node is built: its next 'ready' is a reconnection.
    this.everReady = subscriber.status === 'ready';
    subscriber.on('message', onMessage);
    subscriber.on('ready', () => {
      if (!this.everReady) {
        this.everReady = true;
        return;
      }
      // ioredis re-subscribes by itself (autoResubscribe); what was published meanwhile is lost.
      log.warn({ channels: this.counts.size }, 'redis subscription restored; telling clients to resync');
      onResubscribed();
    });
  }

  async add(channel: string): Promise<void> {
    const count = this.counts.get(channel) ?? 0;
    this.counts.set(channel, count + 1);
    if (count === 0) await this.subscriber.subscribe(channel).catch((err: Error) => this.log.warn({ err: err.message, channel }, 'subscribe failed'));
  }

  async remove(channel: string): Promise<void> {
    const count = this.counts.get(channel) ?? 0;
    if (count <= 1) {
      this.counts.delete(channel);
      if (count === 1) await this.subscriber.unsubscribe(channel).catch((err: Error) => this.log.warn({ err: err.message, channel }, 'unsubscribe failed'));
    } else {
      this.counts.set(channel, count - 1);
    }
  }

  get channelCount(): number {
    return this.counts.size;
  }
}
