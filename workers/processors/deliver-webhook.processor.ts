import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { oldestOutboxId } from '../../shared/db/repositories/outbox.repository.ts';
import type { Db } from '../../shared/db/knex.ts';
import { deliverWebhookJob, type JobData } from '../../shared/queues/contracts.ts';
import { findEndpoint } from '../../shared/webhooks/endpoints.ts';
import { postSigned } from '../../shared/webhooks/post-signed.ts';
import { nextRetryDelay } from '../../shared/webhooks/retry.ts';
import { PrivateAddressError } from '../../shared/http/safe-address.ts';
import { BEHIND_WAIT_MS, StreamOrder, type StreamPlace } from '../../shared/webhooks/stream-order.ts';
import type { WorkerDeps } from '../deps.ts';
import { defineProcessor } from '../processor.ts';

export const WEBHOOK_TIMEOUT_MS = 5000;
/** The longest a delivery behind another sleeps before looking again by itself. */
const MAX_BEHIND_WAIT_MS = 60_000;
/** A delivery at the head of its chat waiting for older outbox rows (delivered within milliseconds) looks again this soon. */
const OUTBOX_WAIT_MS = 20;

/**
 * Delivers one event to one endpoint: a signed POST, delivered when a 2xx answers it. Events of a
 * chat go in order: a delivery goes only when (1) it heads its (endpoint, chat) set
 * (shared/webhooks/stream-order.ts) and (2) no outbox row older than its own is still undelivered
 * (an earlier event of the chat may not be in the set yet). Waiting moves the job to delayed
 * without using an attempt; the delivery before it wakes it when done. A failure throws and BullMQ
 * retries with the webhook backoff, the chat's later events waiting behind it; when the retry
 * window is over, the delivery leaves its set so they go on. Running it twice delivers twice at
 * most (at least once): receivers dedupe by the event id.
 */
export const deliverWebhookProcessor = defineProcessor(deliverWebhookJob, async (data, deps, job, token) => {
  const endpoint = await endpointOf(deps, data.endpoint_id);
  const place = placeOf(data, job);
  const order = new StreamOrder(deps.redis, deps.keys);
  if (!endpoint) {
    if (place) await wakeNext(deps, await order.leave(place));
    return { status: 'endpoint_gone' as const };
  }
  if (place) {
    if (!(await isHead(deps, order, place))) return waitBehind(deps, order, place, job, token);
    if (await olderOutboxPending(deps.db, data.order.outbox_id)) return sleep(job, token, OUTBOX_WAIT_MS);
  }

  try {
    const answer = await postSigned({
      url: endpoint.url,
      secret: endpoint.secret,
      eventType: data.event.type,
      deliveryId: job.id ?? data.event.id,
      body: JSON.stringify(data.event),
      timeoutMs: WEBHOOK_TIMEOUT_MS,
      allowPrivate: deps.config.webhooks.allowPrivate,
    });
    if (answer.status < 200 || answer.status > 299) throw new Error(`the endpoint answered ${answer.status}`);
  } catch (err) {
    deps.metrics.webhooks.failedAttempts.inc();
    const final = err instanceof PrivateAddressError || nextRetryDelay(job.attemptsMade + 1, data.event.created_at) === -1;
    if (final && place) await wakeNext(deps, await order.leave(place));
    if (err instanceof PrivateAddressError) throw new UnrecoverableError(err.message);
    throw err;
  }
  deps.metrics.webhooks.delivered.inc();
  deps.metrics.webhooks.commitToDeliverySeconds.observe((Date.now() - Date.parse(data.event.created_at)) / 1000);
  if (place) await wakeNext(deps, await order.leave(place));
  return { status: 'delivered' as const };
});

/** Endpoints as read at most a second ago: a removed endpoint stops getting deliveries within a second. */
const ENDPOINT_CACHE_MS = 1000;
const endpoints = new Map<string, { endpoint: Awaited<ReturnType<typeof findEndpoint>>; at: number }>();
async function endpointOf(deps: WorkerDeps, id: string) {
  const cached = endpoints.get(id);
  if (cached && Date.now() - cached.at < ENDPOINT_CACHE_MS) return cached.endpoint;
  const endpoint = await findEndpoint(deps, id);
  if (endpoints.size > 1000) endpoints.clear();
  endpoints.set(id, { endpoint, at: Date.now() });
  return endpoint;
}

function placeOf(data: JobData<typeof deliverWebhookJob>, job: Job): StreamPlace | null {
  if (data.stream === null || job.id === undefined) return null;
  return { endpointId: data.endpoint_id, stream: data.stream, outboxId: data.order.outbox_id, position: data.order.position, jobId: job.id };
}

/**
 * Whether this delivery heads its set, dropping entries of deliveries already finished (their event
 * enqueued again after they were done: the job exists, so no new one was added).
 */
async function isHead(deps: WorkerDeps, order: StreamOrder, place: StreamPlace): Promise<boolean> {
  for (;;) {
    const head = await order.head(place);
    // Not in the set: released after its retries ran out and retried by hand; it goes at once.
    if (head === null || head.mine) return true;
    const before = await deps.queues.webhooks.getJob(head.jobId);
    // No job yet: its place was entered and its job is being added (or will be, when its effect is retried).
    if (!before) return false;
    const state = await before.getState();
    if (state !== 'completed' && state !== 'failed') return false;
    await order.dropJob(place, head.jobId);
  }
}

/** The oldest undelivered outbox id, read at most every few milliseconds per process (one query shared by the jobs asking meanwhile). */
const floors = new WeakMap<Db, { id: string | null; at: number; reading: Promise<string | null> | null }>();
async function olderOutboxPending(db: Db, outboxId: string): Promise<boolean> {
  const floor = floors.get(db) ?? { id: null, at: 0, reading: null };
  floors.set(db, floor);
  if (Date.now() - floor.at > OUTBOX_WAIT_MS / 2) {
    floor.reading ??= oldestOutboxId(db).finally(() => {
      floor.reading = null;
    });
    floor.id = await floor.reading;
    floor.at = Date.now();
  }
  return floor.id !== null && BigInt(floor.id) < BigInt(outboxId);
}

async function sleep(job: Job, token: string | undefined, ms: number): Promise<never> {
  if (token === undefined) throw new Error('a webhook delivery cannot wait without its lock token');
  await job.moveToDelayed(Date.now() + ms, token);
  throw new DelayedError();
}

/** Sleeps behind the head of its set; if the head left meanwhile (its wake-up missed us), wakes itself. */
async function waitBehind(deps: WorkerDeps, order: StreamOrder, place: StreamPlace, job: Job, token: string | undefined): Promise<never> {
  if (token === undefined) throw new Error('a webhook delivery cannot wait without its lock token');
  // Woken by the one before it; looks again by itself ever less often (a chat held back by a failing endpoint).
  const sleeps = Math.max(0, job.attemptsStarted - job.attemptsMade - 1);
  await job.moveToDelayed(Date.now() + Math.min(BEHIND_WAIT_MS * 2 ** Math.min(sleeps, 6), MAX_BEHIND_WAIT_MS), token);
  const head = await order.head(place);
  if (head === null || head.mine) await job.promote().catch(() => undefined);
  throw new DelayedError();
}

/** Starts the next delivery of the set now instead of when its wait ends. */
async function wakeNext(deps: WorkerDeps, nextJobId: string | null): Promise<void> {
  if (nextJobId === null) return;
  const next = await deps.queues.webhooks.getJob(nextJobId);
  // Refused unless it is delayed: it may be running or about to wait, and then looks at the head again itself.
  await next?.promote().catch(() => undefined);
}
