import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../shared/logger.ts';

export interface ChildSpec {
  name: string;
  /** The role's composition root, relative to the project root. */
  entry: string;
  /** Variables added to the supervisor's own environment. */
  env: Record<string, string>;
  readyUrl: string;
}

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const STABLE_AFTER_MS = 30_000;
const MAX_BACKOFF_MS = 10_000;

/**
 * Keeps each child running: a child that exits on its own is restarted after a backoff that grows
 * while it keeps crashing and resets once it has stayed up. `stopAll` sends SIGTERM, waits for each
 * child to drain, and sends SIGKILL to one still running after `graceMs`.
 */
export class ChildProcessRunner {
  private readonly running = new Map<string, ChildProcess>();
  private stopping = false;

  constructor(private readonly log: Logger) {}

  start(spec: ChildSpec, crashesInARow = 0): void {
    const startedAt = Date.now();
    // WETTY_NODE_ARGS passes extra flags to every role, e.g. `--cpu-prof` when profiling.
    const extraArgs = process.env.WETTY_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
    const child = spawn(process.execPath, [...extraArgs, '--import', 'tsx', spec.entry], {
      cwd: projectRoot,
      env: { ...process.env, ...spec.env, WETTY_SUPERVISED: '1' },
      // The IPC channel closes when the supervisor dies, however it dies: children then stop too.
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.running.set(spec.name, child);
    this.log.info({ child: spec.name, pid: child.pid }, 'child started');

    child.once('exit', (code, signal) => {
      this.running.delete(spec.name);
      if (this.stopping) return;
      const crashes = Date.now() - startedAt > STABLE_AFTER_MS ? 0 : crashesInARow + 1;
      const delay = Math.min(MAX_BACKOFF_MS, 250 * 2 ** crashes);
      this.log.error({ child: spec.name, code, signal, restartInMs: delay }, 'child exited; restarting');
      setTimeout(() => {
        if (!this.stopping) this.start(spec, crashes);
      }, delay);
    });
  }

  async stopAll(graceMs: number): Promise<void> {
    this.stopping = true;
    const exits = [...this.running.entries()].map(
      ([name, child]) => new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const kill = setTimeout(() => {
          this.log.error({ child: name, graceMs }, 'child did not stop in time; killing it');
          child.kill('SIGKILL');
        }, graceMs);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill('SIGTERM');
      }),
    );
    await Promise.all(exits);
  }
}
