import { spawn } from 'node:child_process';
import { startPostgresPair, startRedisCluster } from '../test/support/topology.ts';

/**
 * `npm run topology -- <command>`: the scaled-out topology on this machine (docs/scaling.md), on
 * spare ports and temporary directories — a Redis Cluster of 3 masters and 3 replicas, and a
 * PostgreSQL primary with a streaming replica — with the system pointed at it.
 *
 *   up                 starts the topology and the system (`npm start` with 2 api processes on API_PORT
 *                      and API_PORT + 1, 2 workers, 2 realtime nodes, 4 message queue partitions);
 *                      Ctrl-C stops the system and removes the topology
 *   test               runs the e2e test of the topology (test/e2e/cluster-topology.test.ts)
 *   load -- <options>  starts the topology and runs `npm run load` against it (its own local system,
 *                      with one api process: the load drives one api URL)
 */
const [command = 'up', ...rest] = process.argv.slice(2);

function run(args: string[], env: Record<string, string>): Promise<number> {
  const child = spawn(process.execPath, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  const stop = () => child.kill('SIGINT');
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
}

if (command === 'test') {
  process.exit(await run(['--import', 'tsx', 'test/run.ts', 'test/e2e/cluster-topology.test.ts'], {}));
}
if (command !== 'up' && command !== 'load') {
  console.error(`unknown command "${command}": use up, test or load`);
  process.exit(2);
}

console.log('starting a Redis Cluster (3 masters, 3 replicas) and a PostgreSQL primary with a streaming replica…');
const cluster = await startRedisCluster();
let code = 1;
try {
  const postgres = await startPostgresPair();
  try {
    const env = {
      DATABASE_URL: postgres.primaryUrl('wetty'),
      DATABASE_READ_URL: postgres.replicaUrl('wetty'),
      REDIS_CLUSTER_NODES: cluster.nodes,
      MESSAGE_QUEUE_PARTITIONS: process.env.MESSAGE_QUEUE_PARTITIONS ?? '4',
      SUPERVISOR_WORKERS: process.env.SUPERVISOR_WORKERS ?? '2',
      SUPERVISOR_REALTIME_NODES: process.env.SUPERVISOR_REALTIME_NODES ?? '2',
    };
    for (const [name, value] of Object.entries(env)) console.log(`${name}=${value}`);
    code = command === 'up'
      // The second api process takes API_PORT + 1 (3001 by default), so the realtime nodes listen elsewhere.
      ? await run(['--import', 'tsx', 'supervisor/main.ts'], { ...env, SUPERVISOR_API_PROCESSES: process.env.SUPERVISOR_API_PROCESSES ?? '2', WS_PORT: process.env.WS_PORT ?? '3050' })
      : await run(['--import', 'tsx', 'load/main.ts', ...rest.filter((arg) => arg !== '--')], env);
  } finally {
    await postgres.stop();
  }
} finally {
  await cluster.stop();
}
process.exit(code);
