import { loadConfig } from '../shared/config.ts';
import { checkReadiness } from '../shared/health.ts';
import { createLogger } from '../shared/logger.ts';
import { createOpsServer, listenOps } from '../shared/ops/ops-server.ts';
import { runMain, stopOnSignals } from '../shared/process/lifecycle.ts';
import { openRealtimeDeps } from './deps.ts';
import { createRealtimeServer } from './server.ts';

// Composition root of a realtime node. Several nodes share the WebSocket port (SO_REUSEPORT);
// each also has its own ops port (health and metrics) so it can be asked directly.
runMain('realtime', async () => {
  const config = loadConfig();
  const log = createLogger(config, 'realtime');
  const deps = await openRealtimeDeps(config, log);

  const server = createRealtimeServer(deps);
  await server.listen(config.realtime.host, config.realtime.port);
  const ops = createOpsServer({
    readiness: () => checkReadiness(deps.db, deps.redis, server.isDraining()),
    registry: deps.metrics.registry,
    health: () => ({ connections: server.connectionCount() }),
  });
  await listenOps(ops, config.realtime.host, config.realtime.opsPort);
  log.info({ port: config.realtime.port, opsPort: config.realtime.opsPort, path: config.realtime.path }, 'realtime listening');

  stopOnSignals(log, async () => {
    await server.close();
    ops.close();
    await deps.close();
  });
});
