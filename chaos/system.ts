import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { freePort, waitFor } from '../test/support/system.ts';

/** The whole system run by its supervisor, as `npm start` does, with everything it printed kept. */
export interface ChaosSystem {
  apiUrl: string;
  wsUrl: string;
  env: Record<string, string>;
  /** The current pid of each child (`api`, `workers-1`, `realtime-2`, …). */
  pidOf(child: string): number | undefined;
  /** Children that exited without being asked to, as the supervisor logged them. */
  unplannedExits(): { child: string; code: number | null; signal: string | null }[];
  start(): Promise<void>;
  /** SIGTERM to the supervisor; resolves with its exit code and how long it took. */
  stop(): Promise<{ code: number | null; ms: number }>;
  log(): string;
}

export async function createChaosSystem(base: Record<string, string>, logFile: string): Promise<ChaosSystem> {
  const file = createWriteStream(logFile, { flags: 'a' });
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    SUPERVISOR_WORKERS: '2',
    SUPERVISOR_REALTIME_NODES: '2',
    API_PORT: String(await freePort()),
    API_OPS_PORT: String(await freePort()),
    WS_PORT: String(await freePort()),
    REALTIME_OPS_PORT: String(await freePort()),
    WORKER_OPS_PORT: String(await freePort()),
    // The drivers act for many users from one address, and one user sends 20 parallel copies of each
    // message: the limits meant for people would refuse them.
    LOGIN_RATE_MAX: '1000000',
    LOGIN_ADDRESS_RATE_MAX: '1000000',
    REGISTER_RATE_MAX: '1000000',
    SEND_BURST_MAX: '1000000',
    SEND_SUSTAINED_MAX: '100000000',
    ...base,
  };
  let output = '';
  let child: ChildProcess | null = null;
  const pids = new Map<string, number>();
  const exits: { child: string; code: number | null; signal: string | null }[] = [];
  let scanned = 0;
  const scan = () => {
    const lines = output.slice(scanned).split('\n');
    const rest = lines.pop() ?? '';
    scanned = output.length - rest.length;
    for (const line of lines) {
      if (!line.includes('"role":"supervisor"')) continue;
      try {
        const record = JSON.parse(line) as { msg?: string; child?: string; pid?: number; code?: number | null; signal?: string | null };
        if (record.msg === 'child started' && record.child && record.pid) pids.set(record.child, record.pid);
        if (record.msg === 'child exited; restarting' && record.child) exits.push({ child: record.child, code: record.code ?? null, signal: record.signal ?? null });
      } catch {
        // not a log line
      }
    }
  };
  return {
    apiUrl: `http://127.0.0.1:${env.API_PORT}`,
    wsUrl: `ws://127.0.0.1:${env.WS_PORT}/ws/chats`,
    env,
    pidOf: (name) => {
      scan();
      return pids.get(name);
    },
    unplannedExits: () => {
      scan();
      return [...exits];
    },
    log: () => output,
    start: async () => {
      const proc = spawn(process.execPath, ['--import', 'tsx', 'supervisor/main.ts'], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      child = proc;
      const keep = (chunk: Buffer) => {
        output += chunk.toString();
        file.write(chunk);
      };
      proc.stdout?.on('data', keep);
      proc.stderr?.on('data', keep);
      const from = output.length;
      await waitFor(() => {
        if (proc.exitCode !== null) throw new Error(`the system exited with ${proc.exitCode}:\n${output.slice(-4000)}`);
        return output.slice(from).includes('"wetty is ready"');
      }, 600_000, 100);
    },
    stop: async () => {
      const proc = child;
      if (!proc || proc.exitCode !== null) return { code: proc?.exitCode ?? null, ms: 0 };
      const started = Date.now();
      const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
      proc.kill('SIGTERM');
      const code = await exited;
      scan();
      return { code, ms: Date.now() - started };
    },
  };
}
