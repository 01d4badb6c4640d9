import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { startBenchSystem, type BenchSystem } from '../bench/lib/system.ts';
import { createDb } from '../shared/db/knex.ts';
import { describeMargins } from './node-memory.ts';
import { LoadError, nodesFor, SOCKETS_PER_CLIENT } from './plan.ts';
import { buildReport, writeReport } from './report.ts';
import { runLoad } from './run.ts';
import { SCENARIOS } from './scenarios.ts';
import { seedDatabase } from './seed-db.ts';
import { checkApi, seedThroughApi } from './seed-api.ts';
import type { Seeded } from './topology.ts';

/**
 * `npm run load -- --scenario <name> [options]`: drives a Wetty system through its public HTTP and
 * WebSocket API and reports what it held. Without --base-url it starts a local system itself.
 * See docs/load-testing.md.
 */
const { values: a } = parseArgs({
  options: {
    scenario: { type: 'string', default: '15k-idle' },
    'base-url': { type: 'string' },
    'ws-url': { type: 'string' },
    sockets: { type: 'string' },
    duration: { type: 'string' },
    rate: { type: 'string' },
    seed: { type: 'string' },
    nodes: { type: 'string' },
    workers: { type: 'string', default: '1' },
    'node-cap': { type: 'string' },
    'source-addresses': { type: 'string', default: '4' },
    'per-client': { type: 'string', default: '10000' },
    handshakes: { type: 'string', default: '64' },
    out: { type: 'string' },
  },
});

async function main(): Promise<void> {
  const scenario = SCENARIOS[a.scenario];
  if (!scenario) throw new LoadError(`Unknown scenario "${a.scenario}": use one of ${Object.keys(SCENARIOS).join(', ')}.`);
  const sockets = Number(a.sockets ?? scenario.sockets);
  const durationS = Number(a.duration ?? scenario.durationS);
  const rate = Number(a.rate ?? scenario.rate);
  const perClient = Number(a['per-client']);
  if (!(sockets > 0 && durationS >= 0 && rate >= 0)) throw new LoadError('--sockets, --duration and --rate must be positive numbers.');
  if (perClient > SOCKETS_PER_CLIENT) throw new LoadError(`--per-client ${perClient} is above ${SOCKETS_PER_CLIENT}: one process may hold at most 20,000 open files here; lower it.`);
  const remote = a['base-url'] !== undefined;
  const seedMode = a.seed ?? (remote ? 'api' : 'db');
  if (remote && seedMode === 'db') throw new LoadError('--seed db writes into the local database and only works without --base-url: use --seed api for a remote system.');
  if (remote && !a['ws-url']) throw new LoadError('--base-url needs --ws-url too (for example ws://host:3001/ws/chats).');

  const nodes = Number(a.nodes ?? (scenario.ramp ? 2 : nodesFor(sockets)));
  let system: BenchSystem | null = null;
  const stopSystem = async () => {
    const s = system;
    system = null;
    await s?.stop();
  };
  process.once('SIGINT', () => void stopSystem().finally(() => process.exit(130)));
  try {
    let baseUrl = a['base-url'] as string;
    let wsUrl = a['ws-url'] as string;
    if (!remote) {
      console.log(`starting a local system with ${nodes} realtime node(s)…`);
      system = await startBenchSystem({
        SUPERVISOR_REALTIME_NODES: String(nodes),
        SUPERVISOR_WORKERS: String(a.workers),
        ...(a['node-cap'] ? { WS_MAX_CONNECTIONS: a['node-cap'] } : {}),
      });
      baseUrl = system.apiUrl;
      wsUrl = system.wsUrl;
    }
    await checkApi(baseUrl);
    const topology = scenario.topology(sockets);
    const runId = randomBytes(3).toString('hex');
    const seedStart = Date.now();
    const progress = (n: number) => process.stdout.write(`\rseeding ${seedMode}: ${n}/${topology.users} users   `);
    let seeded: Seeded;
    if (seedMode === 'db' && system) {
      const db = createDb({ url: system.env.DATABASE_URL as string, poolMax: 16 });
      try {
        seeded = await seedDatabase(db, topology, runId, progress);
      } finally {
        await db.destroy();
      }
    } else if (seedMode === 'api') {
      seeded = await seedThroughApi(baseUrl, topology, runId, progress);
    } else throw new LoadError(`--seed must be db or api, not "${seedMode}".`);
    const seedSeconds = (Date.now() - seedStart) / 1000;
    console.log(`\nseeded ${topology.users} users and ${seeded.chats.length} chats in ${seedSeconds.toFixed(1)} s; ${scenario.summary}`);

    const sys = system as BenchSystem | null;
    const raw = await runLoad(
      { scenario, sockets, durationS, rate, baseUrl, wsUrl, sourceAddresses: Number(a['source-addresses']), perClient, handshakes: Number(a.handshakes),
        roles: sys ? () => sys.roles() : async () => [],
        realtimeOps: sys ? Array.from({ length: nodes }, (_, i) => `http://127.0.0.1:${Number(sys.env.REALTIME_OPS_PORT) + i}`) : [] },
      seeded,
    );
    const report = buildReport(raw, { scenario: scenario.name, command: `npm run load -- ${process.argv.slice(2).join(' ')}`, mode: remote ? `remote ${baseUrl}` : 'local', realtimeNodes: remote ? null : nodes, sockets, durationS, rate, seedSeconds });
    const files = await writeReport(report, raw, a.out);
    console.log(JSON.stringify(report, null, 2));
    if (report.realtime_memory.length > 0) console.log(describeMargins(report.realtime_memory));
    console.log(`report: ${files.json} and ${files.html}`);
  } finally {
    await stopSystem();
  }
}

try {
  await main();
} catch (err) {
  if (err instanceof LoadError) {
    console.error(`\nload test stopped: ${err.message}`);
    process.exit(2);
  }
  throw err;
}
