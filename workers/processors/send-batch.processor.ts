import type { Job } from 'bullmq';
import { CLIENT_ID_REUSED, UNSTORABLE_INPUT } from '../../shared/contracts/job-outcomes.ts';
import type { SendReplies, SettledSend } from '../../shared/contracts/send-replies.ts';
import { isDataError } from '../../shared/db/pg-errors.ts';
import { errorText } from '../../shared/effects/outbox.ts';
import { sendBatchJob, type JobData } from '../../shared/queues/contracts.ts';
import type { WorkerDeps } from '../deps.ts';
import { defineProcessor } from '../processor.ts';
import { moderateSend } from '../send/moderation.ts';
import type { SendOutcome } from '../send/send-pipeline.ts';

type BatchData = JobData<typeof sendBatchJob>;
type BatchSend = BatchData['sends'][number];

/**
 * The sends of one api batch: each asks the moderation hook (if any) on its own, then joins the
 * worker's current persist batch (workers/send/send-pipeline.ts) with the sends of every other job.
 * Each send is answered on the api's reply channel as soon as it settles (sends settling together share
 * one message), so a slow hook answer about one send holds back no other. A send that failed for a transient reason
 * (its batch could not be stored, say) is the only thing retried: the job keeps just those sends and
 * fails this attempt; after the last attempt they are answered as failed.
 *
 * Running a send twice is harmless (a worker killed mid-batch, its job taken up again): the second run
 * finds the message stored and answers it (its push belongs to the first run's outbox row, delivered
 * by that run or by the relay).
 */
export const sendBatchProcessor = defineProcessor(sendBatchJob, async (data, deps, job) => {
  const replies = new Replies(deps, data.reply_to, job);
  const results = await Promise.all(
    data.sends.map(async (send) => {
      const outcome = await runSend(deps, send);
      if (!('retry' in outcome)) replies.add({ ref: send.ref, outcome });
      return { send, outcome };
    }),
  );
  const retry = results.filter((r): r is { send: BatchSend; outcome: { retry: unknown } } => 'retry' in r.outcome);
  const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
  if (lastAttempt) for (const { send, outcome } of retry) replies.add({ ref: send.ref, outcome: { kind: 'failed', reason: errorText(outcome.retry) } });
  await replies.sent();
  if (retry.length > 0) {
    // The next attempt runs only these; the settled sends were answered and are never run again.
    if (!lastAttempt) await job.updateData({ ...data, sends: retry.map((r) => r.send) });
    throw retry[0]?.outcome.retry instanceof Error ? retry[0].outcome.retry : new Error(errorText(retry[0]?.outcome.retry));
  }
  const count = (kind: string) => replies.all.filter((r) => (r.outcome.kind === 'stored' ? r.outcome.status : r.outcome.kind) === kind).length;
  return { created: count('created'), existing: count('existing'), refused: count('refused') };
});

/** One send through moderation and the persist batch, settled, or `{ retry }` with a transient failure. */
async function runSend(deps: WorkerDeps, send: BatchSend): Promise<SettledSend | { retry: unknown }> {
  const { ref: _ref, ...request } = send;
  let outcome: SendOutcome;
  try {
    const moderated = await moderateSend(deps, request);
    outcome = await deps.sendBatcher.submit(moderated);
  } catch (error) {
    outcome = { kind: 'failed', error };
  }
  switch (outcome.kind) {
    case 'created':
    case 'existing':
      return { kind: 'stored', status: outcome.kind, message: outcome.message };
    case 'refused':
      return { kind: 'refused', refusal: outcome.refusal };
    case 'conflict':
      return { kind: 'refused', refusal: CLIENT_ID_REUSED };
    case 'failed':
      // A value the database cannot store never will be: refused, not retried.
      if (isDataError(outcome.error)) return { kind: 'refused', refusal: UNSTORABLE_INPUT };
      return { retry: outcome.error };
  }
}

type Reply = SendReplies['replies'][number];

/**
 * The answers of one job, published on the api's channel as sends settle (with the answers of every
 * other job settling in the same turn: workers/send/reply-publisher.ts). If publishing fails the
 * messages are still stored and the api, hearing nothing within its wait, answers 202 queued: logged,
 * not thrown.
 */
class Replies {
  readonly all: Reply[] = [];
  /** One per reply: null once published, or why it was not. */
  private readonly publishing: Promise<unknown>[] = [];

  constructor(
    private readonly deps: WorkerDeps,
    private readonly channel: string,
    private readonly job: Job,
  ) {}

  add(reply: Reply): void {
    this.all.push(reply);
    this.publishing.push(this.deps.sendReplies.add(this.channel, this.job.id ?? '', reply).then(() => null, (err: unknown) => err));
  }

  /** Resolves once every reply added so far has been published (or its failure logged). */
  async sent(): Promise<void> {
    const failures = (await Promise.all(this.publishing)).filter((err) => err !== null);
    if (failures.length > 0) this.deps.log.warn({ err: errorText(failures[0]), jobId: this.job.id, sends: failures.length }, 'send replies not published');
  }
}
