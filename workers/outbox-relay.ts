import { deleteOldJobReceipts } from '../shared/db/repositories/job-receipts.repository.ts';
import { deliverOutboxInOrder, errorText, OUTBOX_PAGE } from '../shared/effects/outbox.ts';
import type { WorkerDeps } from './deps.ts';

/** Job receipts are kept a day (far beyond BullMQ's stalled-job recovery) and swept hourly. */
const RECEIPT_SECONDS = 24 * 3600;
const RECEIPT_SWEEP_MS = 3600 * 1000;

/**
 * Delivers the effects of committed changes that the process which committed them did not deliver
 * (it stopped, or Redis refused): outbox rows older than `afterMs`, oldest first, in the outbox's
 * delivery turn (while another process has it, this pass does nothing). Rows are deleted once
 * delivered; a row that fails keeps its place with a count and the error, and is tried again on the
 * next pass. Answers how many rows it delivered, or null when another process had the turn.
 */
export async function relayOverdue(deps: WorkerDeps, afterMs: number): Promise<number | null> {
  const pass = await deliverOutboxInOrder(deps, { olderThanMs: afterMs });
  if (!pass) return null;
  if (pass.failed) deps.metrics.messages.outboxRelayFailures.inc();
  if (pass.delivered > 0) {
    deps.metrics.messages.outboxRelayed.inc(pass.delivered);
    deps.log.info({ rows: pass.delivered }, 'relayed effects left undelivered after commit');
  }
  return pass.delivered;
}

/** Runs the relay every `intervalMs` until closed; a full page runs the next pass at once. */
export function startOutboxRelay(deps: WorkerDeps) {
  const { intervalMs, afterMs } = deps.config.workers.relay;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let current: Promise<void> = Promise.resolve();
  let receiptsSweptAt = 0;

  const pass = async (): Promise<void> => {
    let relayed = 0;
    try {
      relayed = (await relayOverdue(deps, afterMs)) ?? 0;
      if (Date.now() - receiptsSweptAt > RECEIPT_SWEEP_MS) {
        receiptsSweptAt = Date.now();
        await deleteOldJobReceipts(deps.db, RECEIPT_SECONDS);
      }
    } catch (err) {
      deps.log.warn({ err: errorText(err) }, 'outbox relay pass failed; will retry');
    }
    if (!stopped) timer = setTimeout(run, relayed >= OUTBOX_PAGE ? 0 : intervalMs);
  };
  const run = () => {
    current = pass();
  };
  timer = setTimeout(run, intervalMs);

  return {
    /** Stops after the pass in progress, if any. */
    close: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await current;
    },
  };
}
