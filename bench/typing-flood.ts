import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import WebSocket from 'ws';
import { createApp } from '../api/app.ts';
import { openApiDeps } from '../api/deps.ts';
import { loadConfig } from '../shared/config.ts';
import { dropDatabase, ensureDatabase } from '../shared/db/ensure-database.ts';
import { createDb } from '../shared/db/knex.ts';
import { migrateLatest } from '../shared/db/migrations.ts';
import { createLogger } from '../shared/logger.ts';
import { deleteKeysWithPrefix } from '../shared/redis/delete-prefix.ts';
import { waitUntilReady } from '../supervisor/wait-until-ready.ts';
import { processUsage } from './lib/stats.ts';

/**
 * What a flood of client frames costs a realtime node: one signed-in socket sends `--frames` typing
 * frames as fast as it can, each naming a chat id never seen before, and the node's RSS is printed
 * before, right after, and `--settle` seconds later. Only what the flood needs runs: one realtime
 * process (measured) and the api in this process (to sign in), on a fresh database and Redis prefix.
 * Extra `KEY=VALUE` arguments are configuration (e.g. a higher frame limit, to measure the typing
 * state's own bound).
 *
 *   npm run bench:typing -- --frames 20000 --settle 30
 *   npm run bench:typing -- WS_FRAME_RATE_MAX=1000000
 */
const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    frames: { type: 'string', default: '20000' },
    settle: { type: 'string', default: '30' },
    port: { type: 'string', default: '3470' },
  },
});
const frames = Number(args.frames);
const overrides = Object.fromEntries(positionals.map((p) => p.split('=') as [string, string]));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const id = randomBytes(3).toString('hex');
const databaseUrl = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/wetty');
databaseUrl.pathname = `/wetty_bench_${id}`;
const env: Record<string, string> = {
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  DATABASE_URL: databaseUrl.toString(),
  REDIS_PREFIX: `wetty-bench-${id}`,
  WS_PORT: String(Number(args.port) + 1),
  REALTIME_OPS_PORT: String(Number(args.port) + 2),
  ...overrides,
};
const config = loadConfig({ ...process.env, ...env });

await ensureDatabase(config.db.url);
const migrator = createDb({ url: config.db.url, poolMax: 1 });
await migrateLatest(migrator);
await migrator.destroy();
const apiDeps = await openApiDeps(config, createLogger(config, 'api'), { processMetrics: false });
const server = createApp(apiDeps).listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const realtime = spawn(process.execPath, ['--import', 'tsx', 'realtime/main.ts'], { env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit'] });
try {
  await waitUntilReady(`http://127.0.0.1:${config.realtime.opsPort}/readyz`, 300_000);
  const rss = async () => (await processUsage(realtime.pid as number))?.rssMiB ?? Number.NaN;

  const post = async (path: string, body: unknown) => {
    const res = await fetch(apiUrl + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return (await res.json()) as Record<string, string>;
  };
  const username = `flood_${id}`;
  const password = 'flood-password';
  await post('/users/auth/register', { username, password });
  const { token, uid } = await post('/users/auth/login', { username, password, client_type: 'web' });

  const ws = new WebSocket(`ws://127.0.0.1:${config.realtime.port}${config.realtime.path}?uid=${uid}`, { headers: { authorization: `Bearer ${token}` } });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  let errorFrames = 0;
  await new Promise<void>((resolve, reject) => {
    ws.on('message', (data) => {
      const text = data.toString();
      if (text.includes('"on_ready"')) resolve();
      else if (text.includes('"event":"error"')) errorFrames++;
    });
    ws.once('error', reject);
  });
  await sleep(2000);
  const before = await rss();

  const started = Date.now();
  let sent = 0;
  const chatBase = 9_000_000_000_000 + Math.floor(Math.random() * 1e9);
  for (; sent < frames && ws.readyState === WebSocket.OPEN; sent++) {
    ws.send(JSON.stringify({ event: 'typing', data: { chat_id: String(chatBase + sent) } }));
    // Let the socket drain now and then, as a real client's event loop would.
    if (sent % 500 === 499) await new Promise((resolve) => setImmediate(resolve));
  }
  const sendSeconds = (Date.now() - started) / 1000;
  // Wait until the node has had every frame (or closed the socket), then a little for its work to finish.
  while (ws.readyState === WebSocket.OPEN && ws.bufferedAmount > 0) await sleep(50);
  await sleep(5000);
  const after = await rss();
  await sleep(Number(args.settle) * 1000);
  const settled = await rss();
  const open = ws.readyState === WebSocket.OPEN;
  ws.close();
  const close = await closed;

  console.log(JSON.stringify({
    frames_sent: sent,
    send_seconds: sendSeconds,
    error_frames_received: errorFrames,
    socket: open ? 'open until the end' : `closed by the node: ${close.code} ${close.reason}`,
    realtime_rss_mib: { before, after_flood: after, [`after_${args.settle}s_more`]: settled },
    config: overrides,
  }, null, 2));
} finally {
  realtime.kill('SIGTERM');
  await new Promise((resolve) => (realtime.exitCode === null ? realtime.once('exit', resolve) : resolve(null)));
  await new Promise((resolve) => server.close(resolve));
  await apiDeps.close();
  await dropDatabase(config.db.url);
  const redis = new Redis(config.redis.url);
  await deleteKeysWithPrefix(redis, config.redis.prefix);
  await redis.quit();
}
