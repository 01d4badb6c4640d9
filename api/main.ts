import type { Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { internalSecret, loadConfig, operatorCredentials } from '../shared/config.ts';
import { checkReadiness } from '../shared/health.ts';
import { createLogger } from '../shared/logger.ts';
import { createOpsServer, listenOps } from '../shared/ops/ops-server.ts';
import { drainable } from '../shared/process/close-http-server.ts';
import { runMain, stopOnSignals } from '../shared/process/lifecycle.ts';
import { forwardingKey } from '../shared/auth/forwarding-key.ts';
import { createApp } from './app.ts';
import { answerClientErrors } from './http/client-errors.ts';
import { attachUpgradeProxy } from './realtime/upgrade-proxy.ts';
import { openApiDeps } from './deps.ts';

const REQUEST_GRACE_MS = 10_000;

// Composition root of the api role: the only place that reads config and opens connections.
runMain('api', async () => {
  const config = loadConfig();
  operatorCredentials(config); // a production api without an operator password or internal secret does not start
  internalSecret(config);
  const log = createLogger(config, 'api');
  const deps = await openApiDeps(config, log);
  let draining = false;

  const app = createApp(deps, { isDraining: () => draining });
  const server: Server = app.listen(config.api.port, config.api.host);
  answerClientErrors(server, log);
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  const requests = drainable(server);
  // The WebSocket on the api's own origin: upgrades on WS_PATH are passed to the realtime nodes.
  const wsProxy = attachUpgradeProxy(server, {
    path: config.realtime.path,
    target: { host: config.realtime.host, port: config.realtime.port },
    forwardingKey: forwardingKey(internalSecret(config)),
    trustProxy: config.api.trustProxy,
    log,
  });
  // Metrics and health on a port of their own, never served to clients.
  const ops = createOpsServer({ readiness: () => checkReadiness(deps.db, deps.redis, draining), registry: deps.metrics.registry });
  await listenOps(ops, config.api.opsHost, config.api.opsPort);
  log.info({ host: config.api.host, port: config.api.port, opsPort: config.api.opsPort }, 'api listening');

  stopOnSignals(
    log,
    async () => {
      // /readyz answers 503 first, so a load balancer stops sending; then stop accepting, answer
      // every request in progress with `Connection: close` and refuse any that starts later (503);
      // only then release connections.
      draining = true;
      if (config.api.drainDelayMs > 0) await sleep(config.api.drainDelayMs);
      wsProxy.close();
      await requests.close(REQUEST_GRACE_MS);
      log.info('in-flight requests finished');
      ops.close();
      await deps.close();
    },
    config.api.drainDelayMs + REQUEST_GRACE_MS + 5_000,
  );
});
