import { loadConfig } from './shared/config.ts';
import { migrationConfig } from './shared/db/migrations.ts';

// For the knex CLI:
//   node --import tsx node_modules/knex/bin/cli.js --knexfile knexfile.ts migrate:latest
const config = loadConfig();

export default {
  client: 'pg',
  connection: config.db.url,
  pool: { min: 0, max: config.db.poolMax },
  migrations: migrationConfig,
};
