import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import type { Env } from '../../shared/config.ts';
import { testEnv } from './config.ts';
import { HttpClient } from './http-client.ts';

export interface RunningSystem {
  env: Env;
  http: HttpClient;
  /** Every api process (`SUPERVISOR_API_PROCESSES`); `http` sends to each in turn. */
  apiUrls: string[];
  /** The (first) api's private port: /metrics, /healthz, /readyz. */
  apiOpsUrl: string;
  apiOpsUrls: string[];
  /** A realtime node's own port. */
  wsUrl: string;
  /** The WebSocket on the api's origin (forwarded to the realtime nodes), as browsers use it. */
  apiWsUrl: string;
  realtimeOpsUrl: (node: number) => string;
  workerOpsUrl: (worker: number) => string;
  process: ChildProcess;
  output: () => string;
  /** The processes' warnings and errors (and what they printed that is not JSON), to explain a failure. */
  problems(): string;
  /** SIGTERM to the supervisor; resolves with its exit code. */
  stop(): Promise<number | null>;
}

/**
 * Ports handed out in this process. A port is only checked free, not held, until its process listens;
 * remembering them keeps two roles of one system (or two systems) from being given the same number.
 */
const handedOut = new Set<number>();

/** A free loopback TCP port, never one this process handed out before (a race with other processes is accepted in tests). */
export async function freePort(): Promise<number> {
  return freePortRange(1);
}

/** Consecutive free ports for roles that take a base port plus an index. */
async function freePortRange(count: number): Promise<number> {
  for (;;) {
    // Below the ephemeral range (32768+), where outgoing connections could take the port before we listen.
    const base = 20_000 + Math.floor(Math.random() * 12_000);
    const ports = Array.from({ length: count }, (_, i) => base + i);
    if (ports.some((port) => handedOut.has(port))) continue;
    const free = await Promise.all(ports.map(isFree));
    if (!free.every(Boolean) || ports.some((port) => handedOut.has(port))) continue;
    for (const port of ports) handedOut.add(port);
    return base;
  }
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer().once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * Runs the whole system the way `npm start` does (the supervisor and its real api, workers and
 * realtime processes) on free ports, against the test database and a unique Redis prefix.
 */
export async function startSystem(overrides: Env = {}, options: { readyTimeoutMs?: number } = {}): Promise<RunningSystem> {
  const workers = Number(overrides.SUPERVISOR_WORKERS ?? 1);
  const nodes = Number(overrides.SUPERVISOR_REALTIME_NODES ?? 1);
  const apis = Number(overrides.SUPERVISOR_API_PROCESSES ?? 1);
  const env = testEnv({
    LOG_LEVEL: 'info',
    API_PORT: String(await freePortRange(apis)),
    API_OPS_PORT: String(await freePortRange(apis)),
    WS_PORT: String(await freePort()),
    REALTIME_OPS_PORT: String(await freePortRange(nodes)),
    WORKER_OPS_PORT: String(await freePortRange(workers)),
    ...overrides,
  });
  const { process: child, output, exited } = spawnTs('supervisor/main.ts', env);
  try {
    await Promise.race([
      waitFor(() => output().includes('"wetty is ready"'), options.readyTimeoutMs ?? 150_000),
      exited.then((code) => {
        throw new Error(`supervisor exited with ${code} before it was ready:\n${output()}`);
      }),
    ]);
  } catch (err) {
    // Do not leave a half-started system behind: its children stop with the supervisor.
    child.kill('SIGTERM');
    throw new Error(`${(err as Error).message}; the system printed:\n${output().slice(-4000)}`);
  }

  const apiUrls = Array.from({ length: apis }, (_, i) => `http://127.0.0.1:${Number(env.API_PORT) + i}`);
  const apiOpsUrls = Array.from({ length: apis }, (_, i) => `http://127.0.0.1:${Number(env.API_OPS_PORT) + i}`);
  return {
    env,
    http: new HttpClient(apiUrls),
    apiUrls,
    apiOpsUrl: apiOpsUrls[0] as string,
    apiOpsUrls,
    wsUrl: `ws://127.0.0.1:${env.WS_PORT}/ws/chats`,
    apiWsUrl: `ws://127.0.0.1:${env.API_PORT}/ws/chats`,
    realtimeOpsUrl: (node) => `http://127.0.0.1:${Number(env.REALTIME_OPS_PORT) + node}`,
    workerOpsUrl: (worker) => `http://127.0.0.1:${Number(env.WORKER_OPS_PORT) + worker}`,
    process: child,
    output,
    problems: () => problemLines(output()),
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** pino levels 40+ (warn, error, fatal), and any line that is not a JSON log record. */
function problemLines(output: string): string {
  return output
    .split('\n')
    .filter((line) => {
      if (line.trim() === '') return false;
      try {
        return ((JSON.parse(line) as { level?: number }).level ?? 0) >= 40;
      } catch {
        return true;
      }
    })
    .join('\n');
}

export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number, intervalMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export interface RunningRole {
  process: ChildProcess;
  output: () => string;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
}

/** Runs one role's composition root alone (as in production), and waits until `readyUrl` answers 200. */
export async function spawnRole(entry: string, env: Env, readyUrl: string, timeoutMs = 30_000): Promise<RunningRole> {
  const role = spawnTs(entry, env);
  const ready = async () => {
    try {
      return (await fetch(readyUrl)).ok;
    } catch {
      return false;
    }
  };
  await Promise.race([
    waitFor(ready, timeoutMs, 100),
    role.exited.then((code) => {
      throw new Error(`${entry} exited with ${code} before it was ready:\n${role.output()}`);
    }),
  ]);
  return role;
}

/** Spawns a TypeScript entry point with only PATH and `env`, recording everything it prints. */
function spawnTs(entry: string, env: Env): RunningRole {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { process: child, output: () => output, exited };
}
