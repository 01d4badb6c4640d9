import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { deliverWebhookJob, type JobData } from '../../shared/queues/contracts.ts';
import { findEndpoint } from '../../shared/webhooks/endpoints.ts';
import { postSigned } from '../../shared/webhooks/post-signed.ts';
import { nextRetryDelay } from '../../shared/webhooks/retry.ts';
import { PrivateAddressError } from '../../shared/webhooks/safe-address.ts';
import { StreamOrder, type StreamPlace } from '../../shared/webhooks/stream-order.ts';
import { hasEarlierOutbox } from '../../shared/db/repositories/outbox.repository.ts';
import type { WorkerDeps } from '../deps.ts';
import { defineProcessor } from '../processor.ts';

export const WEBHOOK_TIMEOUT_MS = 5000;
/** How long a delivery waiting for its turn sleeps at most before looking again (it is woken sooner when its turn comes). */
const MAX_TURN_WAIT_MS = 10_000;

/**
 * Delivers one event to one endpoint: a signed POST, delivered when a 2xx answers it. Events of a
 * chat go in order: a delivery waits until (1) no outbox row older than its own is still being
 * delivered (an earlier event may not be enqueued yet) and (2) it heads its (endpoint, chat) set
 * (shared/webhooks/stream-order.ts). Waiting moves the job to delayed without using an attempt; the
 * delivery before it wakes it when done. A failure throws and BullMQ retries with the webhook backoff;
 * when the retry window is over, the delivery leaves its set so the chat's later events go on.
 * Running it twice delivers twice at most (at least once): receivers dedupe by the event id.
 */
export const deliverWebhookProcessor = defineProcessor(deliverWebhookJob, async (data, deps, job, token) => {
  const endpoint = await findEndpoint(deps, data.endpoint_id);
  const place = placeOf(data, job);
  const order = new StreamOrder(deps.redis, deps.keys);
  if (!endpoint) {
    if (place) await order.leave(place);
    return { status: 'endpoint_gone' as const };
  }
  if (place && !(await isMyTurn(deps, order, place, data.order.outbox_id))) return waitForTurn(job, token);

  const body = JSON.stringify(data.event);
  try {
    const answer = await postSigned({
      url: endpoint.url,
      secret: endpoint.secret,
      eventType: data.event.type,
      deliveryId: job.id ?? data.event.id,
      body,
      timeoutMs: WEBHOOK_TIMEOUT_MS,
      allowPrivate: deps.config.webhooks.allowPrivate,
    });
    if (answer.status < 200 || answer.status > 299) throw new Error(`the endpoint answered ${answer.status}`);
    deps.metrics.webhooks.delivered.inc();
    deps.metrics.webhooks.commitToDeliverySeconds.observe((Date.now() - Date.parse(data.event.created_at)) / 1000);
    if (place) await wakeNext(deps, await order.leave(place));
    return { status: 'delivered' as const, answered: answer.status };
  } catch (err) {
    deps.metrics.webhooks.failedAttempts.inc();
    const final = err instanceof PrivateAddressError || nextRetryDelay(job.attemptsMade + 1, data.event.created_at) === -1;
    if (final && place) await wakeNext(deps, await order.leave(place));
    if (err instanceof PrivateAddressError) throw new UnrecoverableError(err.message);
    throw err;
  }
});

function placeOf(data: JobData<typeof deliverWebhookJob>, job: Job): StreamPlace | null {
  if (data.stream === null || job.id === undefined) return null;
  return { endpointId: data.endpoint_id, stream: data.stream, outboxId: data.order.outbox_id, position: data.order.position, jobId: job.id };
}

async function isMyTurn(deps: WorkerDeps, order: StreamOrder, place: StreamPlace, outboxId: string): Promise<boolean> {
  if (await hasEarlierOutbox(deps.db, outboxId)) return false;
  for (;;) {
    const head = await order.head(place);
    // Not in the set: released after its retries ran out and retried by hand; it goes at once.
    if (head === null || head.mine) return true;
    const before = await deps.queues.webhooks.getJob(head.jobId);
    const state = before ? await before.getState() : 'unknown';
    if (state !== 'unknown' && state !== 'completed' && state !== 'failed') return false;
    // The entry of a delivery already done (its event enqueued again later): it holds nothing back.
    await order.dropJob(place, head.jobId);
  }
}

async function waitForTurn(job: Job, token: string | undefined): Promise<never> {
  if (token === undefined) throw new Error('a webhook delivery cannot wait without its lock token');
  const waits = Math.max(0, job.attemptsStarted - job.attemptsMade - 1);
  await job.moveToDelayed(Date.now() + Math.min(50 * 2 ** waits, MAX_TURN_WAIT_MS), token);
  throw new DelayedError();
}

/** Starts the next delivery of the set now instead of when its wait ends. */
async function wakeNext(deps: WorkerDeps, nextJobId: string | null): Promise<void> {
  if (nextJobId === null) return;
  const next = await deps.queues.webhooks.getJob(nextJobId);
  // It may have started meanwhile: then there is nothing to wake.
  if (next && (await next.isDelayed())) await next.promote().catch(() => undefined);
}
