import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { createLogger } from '../../shared/logger.ts';
import { pingJob, sweepUploadsJob } from '../../shared/queues/contracts.ts';
import { SWEEP_UPLOADS_EVERY_MS } from '../../workers/recurring-jobs.ts';
import { ChildProcessRunner } from '../../supervisor/child-process-runner.ts';
import { startSystem, waitFor, type RunningSystem } from '../support/system.ts';

describe('the start command (supervisor with real api, workers and realtime processes)', function () {
  this.timeout(90_000);
  let system: RunningSystem;
  before(async () => {
    system = await startSystem({ SUPERVISOR_WORKERS: '2', SUPERVISOR_REALTIME_NODES: '2' });
  });
  after(async () => {
    await system?.stop();
  });

  it('serves /healthz and /readyz on every role', async () => {
    const urls = [
      system.http.baseUrl,
      system.wsUrl.replace('ws://', 'http://').replace('/ws/chats', ''),
      system.realtimeOpsUrl(0),
      system.realtimeOpsUrl(1),
      system.workerOpsUrl(0),
      system.workerOpsUrl(1),
    ];
    for (const url of urls) {
      expect((await fetch(`${url}/healthz`)).status, url).to.equal(200);
      const ready = await fetch(`${url}/readyz`);
      expect(ready.status, url).to.equal(200);
      expect(await ready.json()).to.deep.include({ status: 'ready' });
    }
  });

  it('runs a job through Redis to a worker process and back', async () => {
    const connection = new Redis(system.env.REDIS_URL as string, { maxRetriesPerRequest: null });
    const queue = new Queue(pingJob.queue, { connection, prefix: `${system.env.REDIS_PREFIX}:bull` });
    try {
      const sent_at = new Date().toISOString();
      const job = await queue.add(pingJob.name, { sent_at });
      await waitFor(async () => (await job.isCompleted()) || (await job.isFailed()), 10_000);
      const done = await queue.getJob(job.id as string);
      expect(done?.returnvalue.sent_at).to.equal(sent_at);
      expect(done?.returnvalue.worker_pid).to.be.a('number');
    } finally {
      await queue.close();
      await connection.quit();
    }
  });

  it('has the workers schedule the sweep of abandoned uploads, once however many workers run', async () => {
    const connection = new Redis(system.env.REDIS_URL as string, { maxRetriesPerRequest: null });
    const queue = new Queue(sweepUploadsJob.queue, { connection, prefix: `${system.env.REDIS_PREFIX}:bull` });
    try {
      const schedulers = await queue.getJobSchedulers();
      expect(schedulers.map((s) => [s.key, s.name, s.every])).to.deep.equal([[sweepUploadsJob.name, sweepUploadsJob.name, SWEEP_UPLOADS_EVERY_MS]]);
    } finally {
      await queue.close();
      await connection.quit();
    }
  });

  it('restarts a child that crashes', async () => {
    const healthOf = async () => (await (await fetch(`${system.workerOpsUrl(1)}/healthz`)).json()) as { pid: number };
    const { pid } = await healthOf();
    process.kill(pid, 'SIGKILL');
    await waitFor(async () => {
      try {
        return (await healthOf()).pid !== pid;
      } catch {
        return false;
      }
    }, 30_000, 200);
    expect(system.output()).to.contain('child exited; restarting');
  });

  it('stops every process on SIGTERM and exits 0', async () => {
    const pids = await Promise.all(
      [system.realtimeOpsUrl(0), system.realtimeOpsUrl(1), system.workerOpsUrl(0), system.workerOpsUrl(1)].map(
        async (url) => ((await (await fetch(`${url}/healthz`)).json()) as { pid: number }).pid,
      ),
    );
    expect(await system.stop()).to.equal(0);
    for (const pid of pids) expect(isAlive(pid), `pid ${pid}`).to.equal(false);
  });
});

describe('the supervisor\'s child runner', () => {
  it('kills a child that does not stop within the grace period', async function () {
    this.timeout(20_000);
    const pidFile = path.join(mkdtempSync(path.join(tmpdir(), 'wetty-')), 'child.pid');
    const runner = new ChildProcessRunner(createLogger({ logLevel: 'silent' }, 'supervisor-test'));
    runner.start({ name: 'stubborn', entry: 'test/fixtures/ignores-sigterm.ts', env: { PID_FILE: pidFile }, readyUrl: '' });
    await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8') !== '', 15_000);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    await runner.stopAll(300);
    expect(isAlive(pid)).to.equal(false);
  });
});

describe('when the supervisor itself is killed', function () {
  this.timeout(60_000);

  it('its children notice and stop instead of living on as orphans', async () => {
    const system = await startSystem();
    const pids = await Promise.all(
      [system.realtimeOpsUrl(0), system.workerOpsUrl(0)].map(async (url) => ((await (await fetch(`${url}/healthz`)).json()) as { pid: number }).pid),
    );
    system.process.kill('SIGKILL');
    await waitFor(() => pids.every((pid) => !isAlive(pid)), 20_000, 100);
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
