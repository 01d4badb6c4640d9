import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../shared/config.ts';
import { dropDatabase } from '../../shared/db/ensure-database.ts';
import { createLogger } from '../../shared/logger.ts';
import { createRedis, waitForRedis } from '../../shared/redis/connections.ts';
import { deleteKeysWithPrefix } from '../../shared/redis/delete-prefix.ts';
import { waitUntilReady } from '../../supervisor/wait-until-ready.ts';
import { childrenOf } from './stats.ts';

export interface BenchSystem {
  apiUrl: string;
  wsUrl: string;
  env: Record<string, string>;
  supervisor: ChildProcess;
  /** The role processes (api, workers, realtime) with their pids. */
  roles(): Promise<{ role: string; pid: number }[]>;
  stop(): Promise<void>;
}

/**
 * Starts the whole system the way `npm start` does, on its own fresh database and Redis prefix,
 * so a benchmark never touches real data. Quiet logs: the benchmark prints its own numbers.
 */
export async function startBenchSystem(overrides: Record<string, string> = {}): Promise<BenchSystem> {
  const id = randomBytes(3).toString('hex');
  const base = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/wetty');
  base.pathname = `/wetty_bench_${id}`;
  // A read replica (the topology's) has the same databases as its primary.
  const replica = process.env.DATABASE_READ_URL ? new URL(process.env.DATABASE_READ_URL) : null;
  if (replica) replica.pathname = base.pathname;
  const env: Record<string, string> = {
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    DATABASE_URL: base.toString(),
    ...(replica ? { DATABASE_READ_URL: replica.toString() } : {}),
    REDIS_PREFIX: `wetty-bench-${id}`,
    // Fixed ports unless the environment names others (two benchmarks on one machine).
    API_PORT: process.env.API_PORT ?? '3400',
    WS_PORT: process.env.WS_PORT ?? '3401',
    REALTIME_OPS_PORT: process.env.REALTIME_OPS_PORT ?? '3410',
    WORKER_OPS_PORT: process.env.WORKER_OPS_PORT ?? '3420',
    LOGIN_RATE_MAX: '1000000',
    LOGIN_ADDRESS_RATE_MAX: '1000000',
    // One benchmark client sends for many users from one address at thousands a second.
    SEND_BURST_MAX: '1000000',
    SEND_SUSTAINED_MAX: '100000000',
    REGISTER_RATE_MAX: '1000000',
    ...overrides,
  };
  const supervisor = spawn(process.execPath, ['--import', 'tsx', 'supervisor/main.ts'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // The system's own logs go to a file beside the results, for looking into a surprising number.
  await mkdir('bench/results', { recursive: true });
  supervisor.stdout?.pipe(createWriteStream('bench/results/system.log'));
  const exited = new Promise<never>((_, reject) => supervisor.once('exit', (code) => reject(new Error(`the system exited with ${code} before it was ready`))));
  const workers = Number(env.SUPERVISOR_WORKERS ?? 1);
  const nodes = Number(env.SUPERVISOR_REALTIME_NODES ?? 1);
  const readyUrls = [
    `http://127.0.0.1:${env.API_PORT}/readyz`,
    ...Array.from({ length: workers }, (_, i) => `http://127.0.0.1:${Number(env.WORKER_OPS_PORT) + i}/readyz`),
    ...Array.from({ length: nodes }, (_, i) => `http://127.0.0.1:${Number(env.REALTIME_OPS_PORT) + i}/readyz`),
  ];
  await Promise.race([Promise.all(readyUrls.map((url) => waitUntilReady(url, 60_000))), exited]);
  return {
    apiUrl: `http://127.0.0.1:${env.API_PORT}`,
    wsUrl: `ws://127.0.0.1:${env.WS_PORT}/ws/chats`,
    env,
    supervisor,
    // The supervisor's children that run a role (`<role>/main.ts`); not the TypeScript loader's own helper process.
    roles: async () =>
      (await childrenOf(supervisor.pid as number)).flatMap((c) => {
        const role = /(\w+)\/main\.ts/.exec(c.command)?.[1];
        return role ? [{ role, pid: c.pid }] : [];
      }),
    stop: async () => {
      if (supervisor.exitCode === null) {
        supervisor.kill('SIGTERM');
        await new Promise((resolve) => supervisor.once('exit', resolve));
      }
      await dropDatabase(env.DATABASE_URL as string);
      // Sent jobs are kept for an hour (and up to 100,000 of them) for the dashboard: drop the bench's.
      const config = loadConfig({ ...process.env, ...env, LOG_LEVEL: 'silent' });
      const redis = createRedis(config.redis, 'worker', createLogger(config, 'bench'));
      await waitForRedis(redis);
      await deleteKeysWithPrefix(redis, env.REDIS_PREFIX as string);
      await redis.quit();
    },
  };
}
