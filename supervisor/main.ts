import { ConfigError, internalSecret, loadConfig, operatorCredentials } from '../shared/config.ts';
import { ensureDatabase } from '../shared/db/ensure-database.ts';
import { createDb } from '../shared/db/knex.ts';
import { migrateLatest } from '../shared/db/migrations.ts';
import { announcer, createLogger } from '../shared/logger.ts';
import { runMain, stopOnSignals } from '../shared/process/lifecycle.ts';
import { ensureWebApp } from './build-web-app.ts';
import { ChildProcessRunner, type ChildSpec } from './child-process-runner.ts';
import { portClashes } from './listen-ports.ts';
import { waitUntilReady } from './wait-until-ready.ts';

// `npm start`: prepares the database, then runs every role as its own process and keeps them running.
runMain('supervisor', async () => {
  const started = performance.now();
  const config = loadConfig(); // fails here, once, for every bad variable of every role
  operatorCredentials(config); // the api child would refuse to start without them
  internalSecret(config);
  const clashes = portClashes(config);
  if (clashes.length > 0) throw new ConfigError(clashes);
  const log = createLogger(config, 'supervisor');

  // The web app the api serves is built (when missing or stale) while the database is prepared.
  const webApp = ensureWebApp(log);
  await ensureDatabase(config.db.url);
  const db = createDb(config.db);
  const applied = await migrateLatest(db);
  await db.destroy();
  log.info({ applied }, 'database migrated');
  await webApp;

  const children: ChildSpec[] = [
    // Several api processes listen on consecutive ports (API_PORT, API_PORT + 1, …): a load balancer
    // in front spreads requests over them.
    ...Array.from({ length: config.supervisor.apiProcesses }, (_, i) => ({
      name: config.supervisor.apiProcesses === 1 ? 'api' : `api-${i + 1}`,
      entry: 'api/main.ts',
      env: { API_PORT: String(config.api.port + i), API_OPS_PORT: String(config.api.opsPort + i) },
      readyUrl: `http://${config.api.host}:${config.api.port + i}/readyz`,
    })),
    ...Array.from({ length: config.supervisor.workers }, (_, i) => ({
      name: `workers-${i + 1}`,
      entry: 'workers/main.ts',
      env: { WORKER_OPS_PORT: String(config.workers.opsPort + i) },
      readyUrl: `http://${config.workers.opsHost}:${config.workers.opsPort + i}/readyz`,
    })),
    ...Array.from({ length: config.supervisor.realtimeNodes }, (_, i) => ({
      name: `realtime-${i + 1}`,
      entry: 'realtime/main.ts',
      env: { REALTIME_OPS_PORT: String(config.realtime.opsPort + i) },
      readyUrl: `http://${config.realtime.host}:${config.realtime.opsPort + i}/readyz`,
    })),
  ];

  const runner = new ChildProcessRunner(log);
  for (const child of children) runner.start(child);
  // Children drain within 15 s (api: its drain delay more); the runner kills stragglers before the supervisor gives up.
  const childGraceMs = config.api.drainDelayMs + 18_000;
  stopOnSignals(log, () => runner.stopAll(childGraceMs), childGraceMs + 2_000);

  try {
    await Promise.all(children.map((child) => waitUntilReady(child.readyUrl, config.supervisor.readyTimeoutMs)));
  } catch (err) {
    // Giving up must not leave the children running without their supervisor.
    await runner.stopAll(childGraceMs);
    throw err;
  }
  // Printed whatever LOG_LEVEL is: an operator always learns where the system listens.
  announcer(log).info(
    {
      ms: Math.round(performance.now() - started),
      api: `http://${config.api.host}:${config.api.port}`,
      ...(config.supervisor.apiProcesses > 1 ? { apiProcesses: Array.from({ length: config.supervisor.apiProcesses }, (_, i) => `http://${config.api.host}:${config.api.port + i}`) } : {}),
      // Browsers use the api's origin; the realtime port also answers directly.
      websocket: `ws://${config.api.host}:${config.api.port}${config.realtime.path}`,
      realtimeDirect: `ws://${config.realtime.host}:${config.realtime.port}${config.realtime.path}`,
      queueBoard: `http://${config.api.host}:${config.api.port}/admin/queues`,
      apiMetrics: `http://${config.api.opsHost}:${config.api.opsPort}/metrics`,
    },
    'wetty is ready',
  );
});
