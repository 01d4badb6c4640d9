import type { Effect } from '../../contracts/effects.ts';
import { runNamed, type Db } from '../knex.ts';

export interface OutboxRow {
  id: string;
  effects: Effect[];
  created_at: Date;
  attempts: number;
}

/**
 * Records a change's effects in its transaction; answers the row's id (null when there is nothing to
 * record) and whether it is `behind` a row whose delivery failed within the last `orderWindowMs`
 * (then it must not be delivered before that row: see shared/effects/outbox.ts).
 */
export async function insertOutbox(trx: Db, effects: readonly Effect[], orderWindowMs: number): Promise<{ id: string; behind: boolean } | null> {
  if (effects.length === 0) return null;
  const result = await trx.raw<{ rows: { id: string; behind: boolean }[] }>(
    `insert into outbox (effects) values (?::jsonb)
     returning id, exists (select 1 from outbox f where f.attempts > 0 and f.created_at > now() - make_interval(secs => ?)) as behind`,
    [JSON.stringify(effects), orderWindowMs / 1000],
  );
  const row = result.rows[0];
  return row ? { id: String(row.id), behind: row.behind } : null;
}

/** The effects were delivered: the row goes. */
export async function deleteOutbox(db: Db, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await runNamed(db, 'delete_outbox', 'delete from outbox where id = any(?::bigint[])', [ids]);
}

/** Which rows a delivery pass takes: those older than `olderThanMs` (the relay), or every row up to `upToId` (a change behind a failure). */
export type OutboxClaim = { olderThanMs: number } | { upToId: string };

/**
 * Takes the delivery turn if no other transaction has it: one process at a time delivers rows in id
 * order (a transaction-level advisory lock, released at commit). Never waits: a waiter would hold a
 * pooled connection that the turn's holder may need to deliver.
 */
export async function tryOutboxTurn(trx: Db): Promise<boolean> {
  const result = await trx.raw<{ rows: { locked: boolean }[] }>('select pg_try_advisory_xact_lock(?) as locked', [OUTBOX_TURN_KEY]);
  return result.rows[0]?.locked === true;
}
const OUTBOX_TURN_KEY = 7_301_554_210;

/** Rows to deliver, oldest first, locked for this transaction; rows another transaction holds are skipped. */
export async function claimOutbox(trx: Db, claim: OutboxClaim, limit: number): Promise<OutboxRow[]> {
  const query = trx<OutboxRow>('outbox');
  if ('upToId' in claim) query.where('id', '<=', claim.upToId);
  else query.where('created_at', '<', trx.raw(`now() - make_interval(secs => ?)`, [claim.olderThanMs / 1000]));
  return query.orderBy('id', 'asc').limit(limit).forUpdate().skipLocked().select('id', 'effects', 'created_at', 'attempts');
}

export async function noteOutboxFailure(db: Db, id: string, error: string): Promise<void> {
  await db('outbox').where({ id }).update({ attempts: db.raw('attempts + 1'), last_error: error.slice(0, 2000) });
}

/** Rows not yet delivered, and the age of the oldest in seconds: what a reader asks to tell "published" from "not yet". */
export async function outboxBacklog(db: Db): Promise<{ rows: number; oldestSeconds: number }> {
  const row = await db('outbox')
    .first<{ rows: string; oldest: number | null }>(db.raw('count(*) as rows'), db.raw('extract(epoch from now() - min(created_at))::float8 as oldest'));
  return { rows: Number(row?.rows ?? 0), oldestSeconds: row?.oldest ?? 0 };
}

/** The id of the oldest row still undelivered (its effects may not have been carried out yet), or null when none is. */
export async function oldestOutboxId(db: Db): Promise<string | null> {
  const row = await db('outbox').min<{ min: string | null }>('id as min').first();
  return row?.min ?? null;
}
