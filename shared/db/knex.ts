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
