import type { Config } from '../../shared/config.ts';
import { createLogger, type Logger } from '../../shared/logger.ts';
import type { FileStorage } from '../../shared/storage/storage.ts';
import { openWorkerDeps } from '../../workers/open-deps.ts';
import { processors } from '../../workers/processors/index.ts';
import { startOutboxRelay } from '../../workers/outbox-relay.ts';
import { startWorkers } from '../../workers/start-workers.ts';

/** The real BullMQ workers in this process, on the same config (and so the same queues) as an api under test. */
export async function startTestWorkers(config: Config, options: { log?: Logger; storage?: FileStorage } = {}) {
  const deps = await openWorkerDeps(config, options.log ?? createLogger(config, 'workers-test'), { processMetrics: false, storage: options.storage });
  const running = startWorkers(deps, processors, deps.queueRedis);
  const relay = startOutboxRelay(deps);
  return {
    deps,
    close: async () => {
      await running.close();
      await relay.close();
      await deps.close();
    },
  };
}
