import { loadConfig } from '../shared/config.ts';
import { checkReadiness } from '../shared/health.ts';
import { createLogger } from '../shared/logger.ts';
import { createOpsServer, listenOps } from '../shared/ops/ops-server.ts';
import { runMain, stopOnSignals } from '../shared/process/lifecycle.ts';
import { openWorkerDeps } from './open-deps.ts';
import { startOutboxRelay } from './outbox-relay.ts';
import { processors } from './processors/index.ts';
import { scheduleRecurringJobs } from './recurring-jobs.ts';
import { startWorkers } from './start-workers.ts';

// Composition root of the workers role.
runMain('workers', async () => {
  const config = loadConfig();
  const log = createLogger(config, 'workers');
  const deps = await openWorkerDeps(config, log);
  let draining = false;
  const marker = config.faults.crashAfterCommit;
  if (marker !== null) {
    // Tests only (refused outside NODE_ENV=test): die between a commit and its push, as a crash would.
    deps.hooks = {
      afterSendCommit: (messages) => {
        if (messages.some((m) => m.message.includes(marker))) process.kill(process.pid, 'SIGKILL');
      },
    };
  }

  const running = startWorkers(deps, processors, deps.queueRedis);
  const relay = startOutboxRelay(deps);
  await scheduleRecurringJobs(deps.queues);
  const ops = createOpsServer({ readiness: () => checkReadiness(deps.db, deps.redis, draining), registry: deps.metrics.registry });
  await listenOps(ops, config.workers.opsHost, config.workers.opsPort);
  log.info({ opsPort: config.workers.opsPort, processors: processors.map((p) => p.contract.name) }, 'workers running');

  stopOnSignals(log, async () => {
    // /readyz turns 503 at once; jobs in progress finish, jobs not yet taken stay queued for other workers.
    draining = true;
    await running.close();
    await relay.close();
    log.info('in-flight jobs finished');
    ops.close();
    await deps.close();
  });
});
