import { reactionsFor, toMessageView, type MessageRow, type MessageView } from '../../shared/db/repositories/messages.repository.ts';
import { deliverSent } from '../../shared/effects/deliver-effects.ts';
import { deliverCommitted, errorText } from '../../shared/effects/outbox.ts';
import type { WorkerDeps } from '../deps.ts';
import { gateSend, liveSessions, sessionEnded, type GateResult, type Refusal, type SendRequest } from './gate.ts';
import type { ModeratedSend } from './moderation.ts';
import { persistMessages, type Notice, type PersistOutcome, type PersistResult } from './persist.ts';

export type SendOutcome =
  | { kind: 'created' | 'existing'; message: MessageView }
  | { kind: 'refused'; refusal: Refusal }
  | { kind: 'conflict' }
  /** This message alone could not be gated or stored (a transient failure): its job retries. */
  | { kind: 'failed'; error: unknown };

/**
 * The send path, for a batch of jobs taken together (each job asked the moderation hook on its own
 * before joining the batch: workers/send/moderation.ts):
 *   1. gate    — may each sender still say this, here? (user state service)
 *   2. persist — atomically (one statement, unless the batch mentions someone or carries notices):
 *                gapless per-chat seqs, idempotent on (sender, client_generated_id), and an outbox row
 *                naming what follows, so it survives any crash after commit
 *   3. publish — push to every device that may see each message (then the senders are answered),
 *                schedule the offline pushes of its recipients (shared/push/), enqueue its webhook
 *                events, then mark the outbox row done; if this fails or the worker dies first, the
 *                relay (workers/outbox-relay.ts) does it
 * A refusal reaches the sender as the job's failure (the api's 403) and as an `on_notify` send_failed,
 * for clients whose request had already been answered 202 — stored once per request, however often
 * its job runs. A message that cannot be gated or stored fails alone; the rest of its batch goes on.
 */
export async function sendBatch(deps: WorkerDeps, requests: readonly ModeratedSend[]): Promise<SendOutcome[]> {
  const t0 = performance.now();
  // 1. gate: the sessions (PostgreSQL) and the rest of the checks (user state, mostly cached in Redis)
  // are asked at the same time, so a batch waits for the slower of the two instead of both in turn.
  const [sessionLive, checked] = await Promise.all([
    liveSessions(deps, requests),
    Promise.allSettled(requests.map((r) => gateSend(deps, r))),
  ]);
  const gated = checked.map((check, i): PromiseSettledResult<GateResult> => {
    const request = requests[i] as ModeratedSend;
    // An ended session's refusal comes first, then the gate's own, then the moderation hook's denial.
    if (!sessionLive(request)) return { status: 'fulfilled', value: sessionEnded() };
    if (check.status === 'fulfilled' && check.value.ok && request.denied) return { status: 'fulfilled', value: { ok: false, refusal: request.denied } };
    return check;
  });
  const notices = refusalNotices(deps, requests, gated);

  const t1 = performance.now();
  // 2. persist
  const accepted = gated.flatMap((g, i) => (g.status === 'fulfilled' && g.value.ok ? [{ index: i, message: g.value.message }] : []));
  const stored = await persistIsolated(deps, accepted.map((a) => a.message), notices);

  const t2 = performance.now();
  // 3. publish: the senders are answered once the frames are out; pushes and webhook events follow
  await deliverStored(deps, stored.results);

  const t3 = performance.now();
  accepted.forEach((a, k) => {
    const acceptedAt = requests[a.index]?.accepted_at;
    if (stored.outcomes[k]?.kind === 'created' && acceptedAt) deps.metrics.messages.sendToPersistSeconds.observe((Date.now() - Date.parse(acceptedAt)) / 1000);
  });
  const waitedMs = Math.max(...requests.map((r) => Date.now() - Date.parse(r.accepted_at)));
  deps.log.debug({ batch: requests.length, waitedMs, gateMs: Math.round(t1 - t0), persistMs: Math.round(t2 - t1), publishMs: Math.round(t3 - t2) }, 'send batch');

  const existingRows = stored.outcomes.flatMap((o) => (o.kind === 'existing' ? [o.row] : []));
  const reactions = await reactionsFor(deps.db, existingRows);
  const outcomes: SendOutcome[] = gated.map((g): SendOutcome => {
    if (g.status === 'rejected') return { kind: 'failed', error: g.reason };
    return g.value.ok ? { kind: 'conflict' } : { kind: 'refused', refusal: g.value.refusal };
  });
  accepted.forEach((a, k) => {
    const outcome = stored.outcomes[k];
    if (!outcome || outcome.kind === 'conflict') return;
    if (outcome.kind === 'failed') {
      outcomes[a.index] = outcome;
      return;
    }
    const row: MessageRow = outcome.row;
    outcomes[a.index] = { kind: outcome.kind, message: toMessageView(row, reactions.get(row.id) ?? []) };
  });
  return outcomes;
}

/** `send_failed` for each refused request, keyed to the request so a second run of its job stores nothing new. */
function refusalNotices(deps: WorkerDeps, requests: readonly SendRequest[], gated: PromiseSettledResult<GateResult>[]): Notice[] {
  return gated.flatMap((g, i) => {
    if (g.status !== 'fulfilled' || g.value.ok) return [];
    const request = requests[i] as SendRequest;
    deps.metrics.messages.gateRefusals.inc({ code: g.value.refusal.code });
    return [{
      uid: request.sender_uid,
      type: 'send_failed',
      data: { chat_id: request.chat_id, client_generated_id: request.client_generated_id, code: g.value.refusal.code },
      once_key: `send_failed:${request.client_generated_id}:${request.accepted_at}`,
    }];
  });
}

type IsolatedOutcome = PersistOutcome | { kind: 'failed'; error: unknown };

/**
 * The batch in one transaction; if that fails for a reason other than a lost race (one message the
 * database refuses, say), each message on its own, so only the bad one fails.
 */
async function persistIsolated(deps: WorkerDeps, messages: Parameters<typeof persistMessages>[1], notices: Notice[]) {
  try {
    const result = await persistMessages(deps, messages, notices);
    return { outcomes: result.outcomes as IsolatedOutcome[], results: [result] };
  } catch (err) {
    if (messages.length === 0) throw err;
    if (messages.length === 1 && notices.length === 0) return { outcomes: [{ kind: 'failed', error: err }] as IsolatedOutcome[], results: [] };
    deps.log.warn({ err: errorText(err), batch: messages.length }, 'send batch failed to persist; storing its messages one by one');
  }
  const results: PersistResult[] = [];
  const outcomes: IsolatedOutcome[] = [];
  for (const message of messages) {
    try {
      const result = await persistMessages(deps, [message]);
      results.push(result);
      outcomes.push(result.outcomes[0] as PersistOutcome);
    } catch (error) {
      outcomes.push({ kind: 'failed', error });
    }
  }
  if (notices.length > 0) results.push(await persistMessages(deps, [], notices));
  return { outcomes, results };
}

/**
 * The fast path after commit: delivers what was stored and marks its outbox rows done
 * (shared/effects/outbox.ts, which also keeps the order behind a failed delivery). Resolves as soon as
 * the last batch's `on_message` frames are out, so the senders are answered then: their messages were
 * durable at commit, and no answer gets ahead of its frames. The rest (offline pushes, webhook events,
 * notices) goes on without holding the answers, tracked by `deps.deliveries` so a closing worker
 * waits for it. A failure is logged, not thrown — the messages are stored and their jobs succeed; the
 * relay delivers them.
 */
async function deliverStored(deps: WorkerDeps, results: readonly PersistResult[]): Promise<void> {
  // When earlier batches' pushes fall behind, the answers wait (and with them the jobs) rather than the work pile up.
  await deps.deliveries.room();
  let framesOut!: () => void;
  const answerable = new Promise<void>((resolve) => (framesOut = resolve));
  deps.deliveries.track(deliverInOrder(deps, results, framesOut).finally(framesOut));
  await answerable;
}

async function deliverInOrder(deps: WorkerDeps, results: readonly PersistResult[], framesOut: () => void): Promise<void> {
  const lastSent = results.reduce((last, persisted, i) => (persisted.sent ? i : last), -1);
  for (const [i, persisted] of results.entries()) {
    if (persisted.sent) {
      deps.hooks?.afterSendCommit?.(persisted.created);
      // The stored rows are at hand: the relay, if it comes to that, reads them again.
      await deliverCommitted(deps, persisted.sent, (_effects, outboxId) => deliverSent(deps, persisted.created, outboxId, i === lastSent ? framesOut : undefined));
    }
    await deliverCommitted(deps, persisted.noticed);
  }
}
