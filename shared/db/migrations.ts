import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from './knex.ts';

const directory = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

/** Options for every knex migration call, so the CLI, the supervisor and the tests agree. */
export const migrationConfig = { directory, loadExtensions: ['.ts'], tableName: 'knex_migrations' } as const;

export async function migrateLatest(db: Db): Promise<string[]> {
  const [, applied] = (await db.migrate.latest(migrationConfig)) as [number, string[]];
  return applied;
}

export async function rollbackAll(db: Db): Promise<string[]> {
  const [, reverted] = (await db.migrate.rollback(migrationConfig, true)) as [number, string[]];
  return reverted;
}
