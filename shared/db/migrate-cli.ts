import { loadConfig } from '../config.ts';
import { ensureDatabase } from './ensure-database.ts';
import { createDb } from './knex.ts';
import { migrateLatest, rollbackAll } from './migrations.ts';

// `npm run migrate` (latest) or `node --import tsx shared/db/migrate-cli.ts rollback-all`.
const command = process.argv[2] ?? 'latest';
const config = loadConfig();
await ensureDatabase(config.db.url);
const db = createDb(config.db);
try {
  const names = command === 'rollback-all' ? await rollbackAll(db) : await migrateLatest(db);
  console.log(JSON.stringify({ command, migrations: names }));
} finally {
  await db.destroy();
}
