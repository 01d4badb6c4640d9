import type { Redis } from 'ioredis';
import type { JobsOptions } from 'bullmq';
import type { RecordedWebhookEvent } from '../contracts/webhooks.ts';
import type { Db } from '../db/knex.ts';
import { deliverWebhookJob, type JobData } from '../queues/contracts.ts';
import type { Queues } from '../queues/producer.ts';
import type { RedisKeys } from '../redis/keys.ts';
import { subscriptions, type WebhookConfig } from './endpoints.ts';
import { retryAttempts } from './retry.ts';
import { BEHIND_WAIT_MS, StreamOrder, type StreamPlace } from './stream-order.ts';

export interface WebhookEnqueueDeps {
  db: Db;
  redis: Redis;
  keys: RedisKeys;
  queues: Queues;
  config: WebhookConfig;
}

/** Delivery jobs: retried with the webhook backoff for 24 h, kept an hour once done and a week once failed. */
export const WEBHOOK_JOB_OPTIONS: JobsOptions = {
  attempts: retryAttempts(),
  backoff: { type: 'webhook' },
  removeOnComplete: { age: 3600, count: 100_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/** A delivery's job id: one job per (endpoint, event), however often the event is enqueued. */
export const webhookJobId = (endpointId: string, eventId: string) => `wh-${endpointId}-${eventId}`;

/**
 * Enqueues the events of one outbox row for every endpoint subscribed to them. Safe to repeat: the
 * job ids are fixed, and ordering entries are idempotent. The events are made only when some
 * endpoint is registered (most deployments have none, and every send passes through here).
 */
export async function enqueueWebhooks(deps: WebhookEnqueueDeps, eventsOf: () => readonly RecordedWebhookEvent[], outboxId: string): Promise<void> {
  const endpoints = await subscriptions(deps);
  if (endpoints.length === 0) return;
  const events = eventsOf();
  const places: StreamPlace[] = [];
  const jobs: { name: string; data: JobData<typeof deliverWebhookJob>; opts: JobsOptions; place?: StreamPlace }[] = [];
  events.forEach(({ event, stream }, position) => {
    for (const endpoint of endpoints) {
      if (!(endpoint.events as readonly string[]).includes(event.type)) continue;
      const jobId = webhookJobId(endpoint.id, event.id);
      const place = stream === null ? undefined : { endpointId: endpoint.id, stream, outboxId, position, jobId };
      if (place) places.push(place);
      const data = deliverWebhookJob.schema.parse({ endpoint_id: endpoint.id, event, stream, order: { outbox_id: outboxId, position } });
      jobs.push({ name: deliverWebhookJob.name, data, opts: { ...WEBHOOK_JOB_OPTIONS, jobId }, ...(place ? { place } : {}) });
    }
  });
  if (jobs.length === 0) return;
  // Places first: a job never runs before its place exists. A job behind another of its chat starts
  // delayed, to be woken by the one before it; one whose predecessor left meanwhile is woken here.
  const order = new StreamOrder(deps.redis, deps.keys);
  const heading = await order.enter(places);
  const behind = new Set(places.filter((_, i) => !heading[i]));
  const queue = deps.queues[deliverWebhookJob.queue];
  await queue.addBulk(jobs.map(({ place, ...job }) => (place && behind.has(place) ? { ...job, opts: { ...job.opts, delay: BEHIND_WAIT_MS } } : job)));
  for (const place of await order.heads([...behind])) {
    // Refused unless still delayed (it may have started already).
    await (await queue.getJob(place.jobId))?.promote().catch(() => undefined);
  }
}
