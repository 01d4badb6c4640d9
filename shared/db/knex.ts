import knexFactory, { type Knex } from 'knex';
import pg from 'pg';

export type Db = Knex;

// BIGINT (int8) columns hold ids and sequence numbers; read them as strings, never as lossy JS numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => value);

export function createDb(db: { url: string; poolMax: number }): Db {
  return knexFactory({
    client: 'pg',
    connection: db.url,
    pool: { min: 0, max: db.poolMax },
    acquireConnectionTimeout: 10_000,
  });
}

/** Answers whether PostgreSQL answers a trivial query; used by `/readyz`. */
export async function pingDb(db: Db): Promise<boolean> {
  try {
    await db.raw('select 1');
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs a statement the hot paths make for every batch as a named prepared statement: each pooled
 * connection parses it once and PostgreSQL may keep its plan (knex hands `name` to pg). The text must
 * be the same whatever the input (arrays, not a placeholder per item) and its result columns named,
 * so a later migration cannot change what a cached statement returns. A connection pooler in front
 * must keep prepared statements per server connection (docs/decisions.md). Array bindings may hold
 * nulls: pg writes them as NULL elements.
 */
export async function runNamed<Row>(db: Db, name: string, sql: string, bindings: readonly unknown[]): Promise<Row[]> {
  const { rows } = await db.raw<{ rows: Row[] }>(sql, bindings as Knex.RawBinding[]).options({ name });
  return rows;
}

