import { reactionsFor, toMessageView, type MessageRow, type MessageView } from '../../shared/db/repositories/messages.repository.ts';
import { insertNotifications } from '../../shared/db/repositories/notifications.repository.ts';
import { notificationFrame, publishAll } from '../../shared/contracts/events.ts';
import type { WorkerDeps } from '../deps.ts';
import { gateSend, liveSessions, type Refusal, type SendRequest } from './gate.ts';
import { persistMessages } from './persist.ts';
import { publishMessages } from './publish.ts';

export interface SendJob {
  request: SendRequest;
  /** A BullMQ retry: a message found already stored is published again, in case the first try stopped before publishing. */
  retry: boolean;
}

export type SendOutcome =
  | { kind: 'created' | 'existing'; message: MessageView }
  | { kind: 'refused'; refusal: Refusal }
  | { kind: 'conflict' };

/**
 * The send path, for a batch of jobs taken together:
 *   1. gate    — may each sender still say this, here? (user state service)
 *   2. persist — one transaction: gapless per-chat seqs, idempotent on (sender, client_generated_id)
 *   3. publish — push to every device that may see each message
 * A refusal reaches the sender as the job's failure (the api's 403) and as an `on_notify` send_failed,
 * for clients whose request had already been answered 202.
 */
export async function sendBatch(deps: WorkerDeps, jobs: readonly SendJob[]): Promise<SendOutcome[]> {
  const t0 = performance.now();
  // 1. gate
  const live = await liveSessions(deps, jobs.map((j) => j.request));
  const gated = await Promise.all(jobs.map((j) => gateSend(deps, j.request, live.has(`${j.request.sender_uid}:${j.request.client_key}`))));
  await reportRefusals(deps, jobs, gated);

  const t1 = performance.now();
  // 2. persist
  const accepted = gated.flatMap((g, i) => (g.ok ? [{ index: i, message: g.message }] : []));
  const persisted = await persistMessages(deps, accepted.map((a) => a.message));

  const t2 = performance.now();
  // 3. publish
  const republish = accepted.flatMap((a, k) => {
    const outcome = persisted.outcomes[k];
    return outcome?.kind === 'existing' && jobs[a.index]?.retry ? [outcome.row] : [];
  });
  await publishMessages(deps, [...persisted.created, ...republish], persisted.mentionNotifications);

  const t3 = performance.now();
  accepted.forEach((a, k) => {
    const acceptedAt = jobs[a.index]?.request.accepted_at;
    if (persisted.outcomes[k]?.kind === 'created' && acceptedAt) deps.metrics.messages.sendToPersistSeconds.observe((Date.now() - Date.parse(acceptedAt)) / 1000);
  });
  const waitedMs = Math.max(...jobs.map((j) => Date.now() - Date.parse(j.request.accepted_at)));
  deps.log.debug({ batch: jobs.length, waitedMs, gateMs: Math.round(t1 - t0), persistMs: Math.round(t2 - t1), publishMs: Math.round(t3 - t2) }, 'send batch');
  const existingRows = persisted.outcomes.flatMap((o) => (o.kind === 'existing' ? [o.row] : []));
  const reactions = await reactionsFor(deps.db, existingRows.map((r) => r.id));
  const outcomes: SendOutcome[] = gated.map((g) => (g.ok ? { kind: 'conflict' } : { kind: 'refused', refusal: g.refusal }));
  accepted.forEach((a, k) => {
    const outcome = persisted.outcomes[k];
    if (!outcome || outcome.kind === 'conflict') return;
    const row: MessageRow = outcome.row;
    outcomes[a.index] = { kind: outcome.kind, message: toMessageView(row, reactions.get(row.id) ?? []) };
  });
  return outcomes;
}

async function reportRefusals(deps: WorkerDeps, jobs: readonly SendJob[], gated: Awaited<ReturnType<typeof gateSend>>[]): Promise<void> {
  const refused = gated.flatMap((g, i) => (g.ok ? [] : [{ request: (jobs[i] as SendJob).request, refusal: g.refusal }]));
  if (refused.length === 0) return;
  for (const { refusal } of refused) deps.metrics.messages.gateRefusals.inc({ code: refusal.code });
  const stored = await insertNotifications(
    deps.db,
    refused.map(({ request, refusal }) => ({
      uid: request.sender_uid,
      type: 'send_failed',
      data: { chat_id: request.chat_id, client_generated_id: request.client_generated_id, code: refusal.code },
    })),
  );
  await publishAll(deps.redis, deps.keys, stored.map((n) => ({ uid: n.uid, frame: notificationFrame(n) })));
}
