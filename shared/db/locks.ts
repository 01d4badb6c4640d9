import type { Db } from './knex.ts';

/**
 * Serializes transactions that touch the same thing (a pair of users, a group) without a row to
 * lock: a transaction-scoped PostgreSQL advisory lock, released at commit or rollback.
 */
export async function lockFor(trx: Db, name: string): Promise<void> {
  await trx.raw('select pg_advisory_xact_lock(hashtextextended(?, 0))', [name]);
}
