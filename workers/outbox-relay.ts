import { Effects } from '../shared/contracts/effects.ts';
import { deleteOldJobReceipts } from '../shared/db/repositories/job-receipts.repository.ts';
import { claimOverdueOutbox, deleteOutbox, noteOutboxFailure } from '../shared/db/repositories/outbox.repository.ts';
import { deliverEffects } from '../shared/effects/deliver-effects.ts';
import { errorText } from '../shared/effects/outbox.ts';
import type { WorkerDeps } from './deps.ts';

const PAGE = 100;
/** Job receipts are kept a day (far beyond BullMQ's stalled-job recovery) and swept hourly. */
const RECEIPT_SECONDS = 24 * 3600;
const RECEIPT_SWEEP_MS = 3600 * 1000;

/**
 * Delivers the effects of committed changes that the process which committed them did not deliver
 * (it stopped, or Redis refused): outbox rows older than `afterMs`, oldest first. Rows are locked
 * while delivered (another worker's relay skips them) and deleted once delivered. A row that fails
 * keeps its place with a count and the error, and is tried again on the next pass; the pass stops
 * there, since the cause (Redis away) usually fails the rest too.
 */
export async function relayOverdue(deps: WorkerDeps, afterMs: number): Promise<number> {
  return deps.db.transaction(async (trx) => {
    const rows = await claimOverdueOutbox(trx, afterMs, PAGE);
    const delivered: string[] = [];
    for (const row of rows) {
      try {
        await deliverEffects(deps, Effects.parse(row.effects), row.id);
        delivered.push(row.id);
      } catch (err) {
        deps.metrics.messages.outboxRelayFailures.inc();
        deps.log.warn({ err: errorText(err), outboxId: row.id, attempts: row.attempts + 1 }, 'relay could not deliver effects; will retry');
        await noteOutboxFailure(trx, row.id, errorText(err));
        break;
      }
    }
    await deleteOutbox(trx, delivered);
    if (delivered.length > 0) {
      deps.metrics.messages.outboxRelayed.inc(delivered.length);
      deps.log.info({ rows: delivered.length }, 'relayed effects left undelivered after commit');
    }
    return delivered.length;
  });
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
      relayed = await relayOverdue(deps, afterMs);
      if (Date.now() - receiptsSweptAt > RECEIPT_SWEEP_MS) {
        receiptsSweptAt = Date.now();
        await deleteOldJobReceipts(deps.db, RECEIPT_SECONDS);
      }
    } catch (err) {
      deps.log.warn({ err: errorText(err) }, 'outbox relay pass failed; will retry');
    }
    if (!stopped) timer = setTimeout(run, relayed >= PAGE ? 0 : intervalMs);
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
