import type { Knex } from 'knex';
import { Effects, type Effect } from '../contracts/effects.ts';
import { claimOutbox, deleteOutbox, insertOutbox, tryOutboxTurn, noteOutboxFailure, type OutboxClaim } from '../db/repositories/outbox.repository.ts';
import type { Logger } from '../logger.ts';
import { deliverEffects, type EffectDeps } from './deliver-effects.ts';

export interface OutboxDeps extends EffectDeps {
  log: Logger;
}

/** Effects recorded in a transaction, to deliver once it has committed. */
export interface RecordedEffects {
  outboxId: string;
  effects: readonly Effect[];
  /** Committed behind a row whose delivery failed: delivered in order after it, never before. */
  behind: boolean;
}

/**
 * How long a failed row keeps later changes behind it. Long enough to cover an outage of Redis (the
 * usual cause), short enough that a row that can never be delivered does not hold every later change
 * back for good: past it, later changes take the fast path again.
 */
export const ORDER_WINDOW_MS = 10 * 60_000;
/** Rows one delivery pass takes. */
export const OUTBOX_PAGE = 100;

/** Writes a change's effects into the outbox, inside the change's transaction, checked against their contract. */
export async function recordEffects(trx: Knex.Transaction, effects: readonly Effect[]): Promise<RecordedEffects | null> {
  const row = await insertOutbox(trx, Effects.parse(effects), ORDER_WINDOW_MS);
  return row === null ? null : { outboxId: row.id, effects, behind: row.behind };
}

/**
 * The fast path, right after commit: delivers the effects (by `deliver`, when the caller holds what
 * they point at) and deletes their outbox row, with other delivered rows, a moment later. It never
 * throws: the change has committed, so its caller must answer success. If delivery fails (Redis
 * away, this process stopping), the row is marked failed and stays; the workers' relay delivers it
 * later.
 *
 * Effects are delivered in commit order across a failure: while a recent row's delivery has failed,
 * a later change does not overtake it (a message pushed to a session whose revocation is still
 * waiting would reach it). Its committer instead delivers every row up to its own in id order, in
 * the outbox's single delivery turn — right away once Redis answers again, not after the relay's delay.
 */
export async function deliverCommitted(
  deps: OutboxDeps,
  recorded: RecordedEffects | null,
  deliver: (effects: readonly Effect[], outboxId: string) => Promise<void> = (effects, outboxId) => deliverEffects(deps, effects, outboxId),
): Promise<boolean> {
  if (!recorded) return true;
  if (recorded.behind) {
    try {
      return await deliverInTurn(deps, recorded.outboxId);
    } catch (err) {
      deps.log.warn({ err: errorText(err), outboxId: recorded.outboxId }, 'effects behind a failed delivery not delivered; the relay will deliver them');
      return false;
    }
  }
  try {
    await deliver(recorded.effects, recorded.outboxId);
  } catch (err) {
    deps.log.warn({ err: errorText(err), outboxId: recorded.outboxId }, 'effects not delivered after commit; the relay will deliver them');
    await noteOutboxFailure(deps.db, recorded.outboxId, errorText(err)).catch((noteErr: unknown) =>
      deps.log.warn({ err: errorText(noteErr), outboxId: recorded.outboxId }, 'failed delivery could not be noted'),
    );
    return false;
  }
  deliveredRowsOf(deps).add(recorded.outboxId);
  return true;
}

/**
 * Rows delivered on the fast path are deleted together: one statement, and so one commit, per pool
 * every `DELETE_EVERY_MS` instead of one per change. A row whose deletion is lost (the process stops
 * first, or the statement fails) is delivered once more by the relay, which effects allow; the relay
 * takes only rows older than `OUTBOX_RELAY_AFTER_MS`, far beyond this wait.
 */
class DeliveredRows {
  private ids: string[] = [];
  private timer: NodeJS.Timeout | null = null;
  /** The deletes so far, one after another: what a closing process waits for. */
  private deleting: Promise<void> = Promise.resolve();

  constructor(private readonly deps: OutboxDeps) {}

  add(id: string): void {
    this.ids.push(id);
    this.timer ??= setTimeout(() => void this.flush(), DELETE_EVERY_MS).unref();
  }

  /** Deletes the rows waiting now; resolves once every delete so far has ended. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const ids = this.ids;
    this.ids = [];
    if (ids.length > 0) this.deleting = this.deleting.then(() => this.delete(ids));
    return this.deleting;
  }

  private async delete(ids: string[]): Promise<void> {
    try {
      await deleteOutbox(this.deps.db, ids);
    } catch (err) {
      this.deps.log.warn({ err: errorText(err), rows: ids.length }, 'delivered effects could not be marked; the relay will deliver them once more');
    }
  }
}
const DELETE_EVERY_MS = 20;
const deliveredRows = new WeakMap<OutboxDeps['db'], DeliveredRows>();
/** Deletes the rows still waiting, and waits for deletes under way (a process closing its pool does this first). */
export async function settleDeliveredRows(db: OutboxDeps['db']): Promise<void> {
  await deliveredRows.get(db)?.flush();
}
function deliveredRowsOf(deps: OutboxDeps): DeliveredRows {
  let rows = deliveredRows.get(deps.db);
  if (!rows) {
    rows = new DeliveredRows(deps);
    deliveredRows.set(deps.db, rows);
  }
  return rows;
}

/**
 * Delivers every row up to `outboxId` in the delivery turn, asking for the turn again every few tens
 * of ms while another process has it, for up to `TURN_WAIT_MS`; then leaves the rows to the relay.
 * Answers whether they were delivered.
 */
async function deliverInTurn(deps: OutboxDeps, outboxId: string): Promise<boolean> {
  const deadline = Date.now() + TURN_WAIT_MS;
  for (;;) {
    const pass = await deliverOutboxInOrder(deps, { upToId: outboxId });
    if (pass) return !pass.failed;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 30));
  }
}
const TURN_WAIT_MS = 5000;

/**
 * One delivery pass over the outbox, in id order, in the outbox's delivery turn (one process at a
 * time): delivers the claimed rows and deletes them. A row that fails keeps its place with a count
 * and the error and ends the pass, since the cause (Redis away) usually fails the rest too. Answers
 * null when another process has the turn.
 */
export async function deliverOutboxInOrder(deps: OutboxDeps, claim: OutboxClaim): Promise<{ delivered: number; failed: boolean } | null> {
  return deps.db.transaction(async (trx) => {
    if (!(await tryOutboxTurn(trx))) return null;
    const rows = await claimOutbox(trx, claim, OUTBOX_PAGE);
    const delivered: string[] = [];
    let failed = false;
    for (const row of rows) {
      try {
        await deliverEffects(deps, Effects.parse(row.effects), row.id);
        delivered.push(row.id);
      } catch (err) {
        failed = true;
        deps.log.warn({ err: errorText(err), outboxId: row.id, attempts: row.attempts + 1 }, 'outbox row not delivered; will retry');
        await noteOutboxFailure(trx, row.id, errorText(err));
        break;
      }
    }
    await deleteOutbox(trx, delivered);
    return { delivered: delivered.length, failed };
  });
}

/**
 * A change with effects: `work` writes in the transaction and adds effects; they are recorded in the
 * same transaction and delivered after commit.
 */
export async function commitWithEffects<T>(deps: OutboxDeps, work: (trx: Knex.Transaction, effects: Effect[]) => Promise<T>): Promise<T> {
  const effects: Effect[] = [];
  const { result, recorded } = await deps.db.transaction(async (trx) => {
    const result = await work(trx, effects);
    return { result, recorded: await recordEffects(trx, effects) };
  });
  await deliverCommitted(deps, recorded);
  return result;
}

export const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));
