import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { freePort, waitFor } from './system.ts';

/**
 * A Redis server of its own on a spare loopback port and a temporary directory, for tests that stop
 * and restart Redis. Never the machine's shared Redis: others use it.
 */
export interface OwnRedis {
  url: string;
  port: number;
  /** Starts (or starts again) on the same port and directory; resolves once it answers PING. */
  start(): Promise<void>;
  /** Stops it: `kill` is SIGKILL (a crash), otherwise a clean SHUTDOWN (with AOF, nothing is lost). */
  stop(how?: 'shutdown' | 'kill'): Promise<void>;
  running(): boolean;
  /** Stops it and removes its directory. */
  destroy(): Promise<void>;
}

export async function startOwnRedis(options: { appendOnly?: boolean } = {}): Promise<OwnRedis> {
  const dir = await mkdtemp(path.join(tmpdir(), 'wetty-redis-'));
  const port = await freePort();
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  const args = [
    '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '',
    '--appendonly', options.appendOnly ? 'yes' : 'no', '--appendfsync', 'everysec',
    '--maxmemory-policy', 'noeviction', '--daemonize', 'no', '--loglevel', 'warning',
  ];
  const ping = async () => {
    const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      return (await probe.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      probe.disconnect();
    }
  };
  const server: OwnRedis = {
    url: `redis://127.0.0.1:${port}`,
    port,
    running: () => child !== null,
    start: async () => {
      if (child) return;
      const proc = spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'inherit'] });
      child = proc;
      exited = new Promise((resolve) => proc.once('exit', () => resolve()));
      void exited.then(() => {
        if (child === proc) child = null;
      });
      await waitFor(ping, 15_000, 50);
    },
    stop: async (how = 'shutdown') => {
      const proc = child;
      if (!proc) return;
      proc.kill(how === 'kill' ? 'SIGKILL' : 'SIGTERM'); // redis-server shuts down cleanly on SIGTERM
      await exited;
      child = null;
    },
    destroy: async () => {
      await server.stop('kill');
      await rm(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}
