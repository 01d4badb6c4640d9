import type { Effect } from '../../contracts/effects.ts';
import type { Db } from '../knex.ts';

export interface OutboxRow {
  id: string;
  effects: Effect[];
  created_at: Date;
  attempts: number;
}

/** Records a change's effects in its transaction; answers the row's id (null when there is nothing to record). */
export async function insertOutbox(trx: Db, effects: readonly Effect[]): Promise<string | null> {
  if (effects.length === 0) return null;
  const [row] = await trx('outbox').insert({ effects: JSON.stringify(effects) }).returning<{ id: string }[]>('id');
  return row?.id ?? null;
}

/** The effects were delivered: the row goes. */
export async function deleteOutbox(db: Db, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await db('outbox').whereIn('id', ids).delete();
}

/**
 * Rows older than `olderThanMs` (their committer had time to deliver them and did not), oldest first,
 * locked for this transaction; rows another relay holds are skipped.
 */
export async function claimOverdueOutbox(trx: Db, olderThanMs: number, limit: number): Promise<OutboxRow[]> {
  return trx<OutboxRow>('outbox')
    .where('created_at', '<', trx.raw(`now() - make_interval(secs => ?)`, [olderThanMs / 1000]))
    .orderBy('id', 'asc')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .select('id', 'effects', 'created_at', 'attempts');
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
