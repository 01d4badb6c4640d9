import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { loadConfig } from '../shared/config.ts';
import { dropDatabase, ensureDatabase } from '../shared/db/ensure-database.ts';
import { createDb } from '../shared/db/knex.ts';
import { migrateLatest } from '../shared/db/migrations.ts';
import { deleteKeysWithPrefix } from '../shared/redis/delete-prefix.ts';

// `npm test`: a fresh database and Redis prefix for this run, migrated, then mocha; both removed after.
// The server comes from DATABASE_URL / REDIS_URL (defaults: local PostgreSQL and Redis).
const base = loadConfig();
const runId = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
const databaseUrl = new URL(base.db.url);
databaseUrl.pathname = `/wetty_test_${runId}`;
const redisPrefix = `wetty-test-${runId.replace('_', '-')}`;

await ensureDatabase(databaseUrl.toString());
const db = createDb({ url: databaseUrl.toString(), poolMax: 2 });
await migrateLatest(db);
await db.destroy();

// `npm test` runs every tier; `npm test -- test/integration/foo.test.ts` runs only the files named.
const args = process.argv.slice(2);
const namesFiles = args.some((arg) => !arg.startsWith('-'));
const spec = namesFiles ? [] : ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts', 'test/browser/**/*.test.ts', 'test/fuzz/**/*.test.ts'];
const mocha = spawn(process.execPath, ['node_modules/mocha/bin/mocha.js', ...spec, ...args], {
  stdio: 'inherit',
  env: { ...process.env, TEST_DATABASE_URL: databaseUrl.toString(), TEST_REDIS_PREFIX: redisPrefix, TEST_REDIS_URL: base.redis.url },
});
const code = await new Promise<number>((resolve) => mocha.once('exit', (c) => resolve(c ?? 1)));

await dropDatabase(databaseUrl.toString());
const redis = new Redis(base.redis.url);
await deleteKeysWithPrefix(redis, redisPrefix);
await redis.quit();
process.exit(code);
