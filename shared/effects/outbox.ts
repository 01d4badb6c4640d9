import type { Knex } from 'knex';
import { Effects, type Effect } from '../contracts/effects.ts';
import { deleteOutbox, insertOutbox } from '../db/repositories/outbox.repository.ts';
import type { Logger } from '../logger.ts';
import { deliverEffects, type EffectDeps } from './deliver-effects.ts';

export interface OutboxDeps extends EffectDeps {
  log: Logger;
}

/** Effects recorded in a transaction, to deliver once it has committed. */
export interface RecordedEffects {
  outboxId: string;
  effects: readonly Effect[];
}

/** Writes a change's effects into the outbox, inside the change's transaction, checked against their contract. */
export async function recordEffects(trx: Knex.Transaction, effects: readonly Effect[]): Promise<RecordedEffects | null> {
  const outboxId = await insertOutbox(trx, Effects.parse(effects));
  return outboxId === null ? null : { outboxId, effects };
}

/**
 * The fast path, right after commit: delivers the effects and deletes their outbox row. It never
 * throws: the change has committed, so its caller must answer success. If delivery fails (Redis
 * away, this process stopping), the row stays and the workers' relay delivers it later.
 */
export async function deliverCommitted(deps: OutboxDeps, recorded: RecordedEffects | null): Promise<boolean> {
  if (!recorded) return true;
  try {
    await deliverEffects(deps, recorded.effects, recorded.outboxId);
  } catch (err) {
    deps.log.warn({ err: errorText(err), outboxId: recorded.outboxId }, 'effects not delivered after commit; the relay will deliver them');
    return false;
  }
  try {
    await deleteOutbox(deps.db, [recorded.outboxId]);
  } catch (err) {
    // Delivered but still recorded: the relay delivers it once more (effects are safe to repeat).
    deps.log.warn({ err: errorText(err), outboxId: recorded.outboxId }, 'delivered effects could not be marked');
  }
  return true;
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
