import type { Redis } from 'ioredis';
import { isCluster } from './connections.ts';

/**
 * Pub/sub on either kind of Redis, used by every publisher and subscriber of the product.
 *
 * Single node: PUBLISH / SUBSCRIBE. Redis Cluster: sharded pub/sub (SPUBLISH / SSUBSCRIBE), so a
 * message travels only within the shard that owns its channel's slot instead of being broadcast over
 * the cluster bus to every node; the subscriber connection (`createRedis(…, 'subscriber')`) keeps
 * one connection per master and follows slots as they move.
 */
export interface PublishItem {
  channel: string;
  message: string;
}

/** Publishes messages in one round trip on a single node; in parallel, per shard, on a cluster. */
export async function publishMany(redis: Redis, items: readonly PublishItem[]): Promise<void> {
  if (items.length === 0) return;
  if (isCluster(redis)) {
    await Promise.all(items.map(({ channel, message }) => redis.spublish(channel, message)));
    return;
  }
  const pipeline = redis.pipeline();
  for (const { channel, message } of items) pipeline.publish(channel, message);
  const results = await pipeline.exec();
  const failed = results?.find(([err]) => err);
  if (failed) throw failed[0];
}

export async function publish(redis: Redis, channel: string, message: string): Promise<void> {
  await publishMany(redis, [{ channel, message }]);
}

export function onChannelMessage(subscriber: Redis, listener: (channel: string, message: string) => void): void {
  subscriber.on(isCluster(subscriber) ? 'smessage' : 'message', listener);
}

export async function subscribe(subscriber: Redis, channels: readonly string[]): Promise<void> {
  if (channels.length === 0) return;
  // A sharded subscribe names channels of one slot: one call per channel.
  if (isCluster(subscriber)) await Promise.all(channels.map((channel) => subscriber.ssubscribe(channel)));
  else await subscriber.subscribe(...channels);
}

export async function unsubscribe(subscriber: Redis, channel: string): Promise<void> {
  if (isCluster(subscriber)) await subscriber.sunsubscribe(channel);
  else await subscriber.unsubscribe(channel);
}

/**
 * Calls `listener` each time the subscriptions are live again after a loss (a reconnection, or on a
 * cluster a failover or slot move that re-subscribed them on another node): whatever was published
 * in between is lost, so the listener tells clients to catch up. The connection renews the
 * subscriptions itself (ioredis re-subscribes).
 */
export function onResubscribed(subscriber: Redis, listener: () => void): void {
  if (isCluster(subscriber)) {
    // A shard's subscriber connection was dropped (its node failed, or its slots moved) and replaced.
    let lost = false;
    subscriber.on('-subscriber', () => (lost = true));
    subscriber.on('subscribersReady', () => {
      if (!lost) return;
      lost = false;
      // The replacement re-subscribes without waiting for the answer: give it a moment first.
      setTimeout(listener, CLUSTER_RESUBSCRIBE_SETTLE_MS).unref();
    });
    return;
  }
  // The connection is usually ready before this is called: its next 'ready' is a reconnection.
  let first = subscriber.status !== 'ready';
  subscriber.on('ready', () => {
    if (first) {
      first = false;
      return;
    }
    listener();
  });
}

const CLUSTER_RESUBSCRIBE_SETTLE_MS = 300;
