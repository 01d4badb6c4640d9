import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import pg from 'pg';
import { cpuSnapshot, percentile, type CpuSnapshot } from './lib/stats.ts';
import { startBenchSystem } from './lib/system.ts';

/**
 * The naive send floor and Wetty, side by side, through one driver in one sitting.
 *
 * The floor (`../shared/bench/send-floor`: HTTP → one durable INSERT with a gapless seq → Redis
 * PUBLISH → uWebSockets.js push; no queue, no auth, no batching) and Wetty are both offered each rate
 * by the floor's own driver (`drive.cjs`), which measures send→deliver on the receivers' sockets.
 * A run *sustains* its rate when achieved ≥ 97 % of offered, nothing is lost and p99 ≤ 100 ms.
 * Both sides are started once and kept running for every run: Wetty by `startBenchSystem`, the floor's
 * two processes here, driven through `bench/lib/running-floor-adapter.cjs` (the floor adapter's pairs
 * and requests, without starting the floor). The floor's own adapter starts its processes afresh for
 * every run, so each run's first second — a cold JIT and a pool still connecting, hundreds of ms a
 * send — is counted, which alone puts its p99 past 100 ms at rates it otherwise sustains;
 * `--cold-floor` measures it that way. Each side first gets one run at the lowest rate that is not
 * counted (`--warmup` seconds, 0 for none), so neither side's first measured rate also pays for its
 * start (JIT, connection pools).
 * Then, rate by rate, the floor and Wetty run in turn, so a slow minute of the machine falls on both,
 * each run once the machine is quiet again (`untilQuiet`).
 * `--repeat N` runs every rate N times on each side (still in turn): a side sustains a rate when more
 * than half of its runs did, and the table gives the median of each figure (of an even count, the
 * lower middle) with how many runs sustained. One stall of a shared machine can put a single run's
 * p99 past 100 ms; the median of several runs is what the side does. Prints one table and the ratio of the highest sustained rates
 * (Wetty ÷ floor), and a second table of what each side's sends cost the machine: core-ms per send of
 * its own processes, PostgreSQL and Redis while the driver sent (the driver's own CPU left out), the
 * floor's cost being the yardstick for Wetty's. The floor is looked for in `../shared/bench/send-floor`, then
 * `../../shared/bench/send-floor`; `--floor` or FLOOR_DIR name another.
 *
 *   npm run bench:floor -- --rates 1000,1500,2000,3000 --duration 30 --pairs 200 --repeat 3
 */
/** The floor beside the project (`../shared`), or beside the folder of its worktrees (`../../shared`). */
function defaultFloorDir(): string {
  const candidates = ['../shared/bench/send-floor', '../../shared/bench/send-floor'];
  return candidates.find((dir) => existsSync(`${dir}/drive.cjs`)) ?? (candidates[0] as string);
}

const { values: args } = parseArgs({
  options: {
    rates: { type: 'string', default: '1000,1500,2000,3000' },
    duration: { type: 'string', default: '30' },
    warmup: { type: 'string', default: '10' },
    pairs: { type: 'string', default: '200' },
    workers: { type: 'string', default: '1' },
    repeat: { type: 'string', default: '1' },
    floor: { type: 'string', default: process.env.FLOOR_DIR ?? defaultFloorDir() },
    'cold-floor': { type: 'boolean', default: false },
  },
});
const rates = args.rates.split(',').map(Number);
const repeat = Number(args.repeat);
if (!Number.isInteger(repeat) || repeat < 1) throw new Error('--repeat takes a whole number of runs, 1 or more');
const run = promisify(execFile);

interface DriveResult {
  offeredRate: number;
  achievedSendsPerS: number;
  delivered: number;
  lost: number;
  duplicates: number;
  statuses: Record<string, number>;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
}

/** A run's figures: the driver's, and the machine's CPU per send while it sent. */
interface RunResult extends DriveResult {
  /** Core-ms per send by process group, over the sending window (`cpuPerSend`); null when too short to tell. */
  cpuMsPerSend: Record<string, number> | null;
}

const sustained = (r: DriveResult) => r.achievedSendsPerS >= 0.97 * r.offeredRate && r.lost === 0 && r.latencyMs.p99 <= 100;

/** One side's runs at one rate. */
interface RateRuns {
  rate: number;
  runs: RunResult[];
}

/** A side sustains a rate when more than half of its runs at that rate did. */
const sustainedByMost = (runs: readonly DriveResult[]) => runs.filter(sustained).length * 2 > runs.length;

/** A private copy of the floor with its own dependencies (the shared folder may be read-only). */
async function prepareFloor(): Promise<string> {
  const source = resolve(args.floor);
  if (!existsSync(`${source}/drive.cjs`)) throw new Error(`the send floor is not at ${source} (set --floor or FLOOR_DIR)`);
  const dir = resolve('bench/results/send-floor');
  await mkdir(dir, { recursive: true });
  await cp(source, dir, { recursive: true });
  await cp(resolve('bench/lib/running-floor-adapter.cjs'), `${dir}/running-floor-adapter.cjs`);
  // Under this project's .npmrc (strict-allow-scripts): the floor's optional native helpers of ws are
  // not built; their prebuilt binaries load, or ws does without them.
  if (!existsSync(`${dir}/node_modules/ioredis`)) await run('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', '--ignore-scripts'], { cwd: dir });
  // The floor's own PostgreSQL role and database (it writes to tables of its own).
  const admin = new pg.Client({ connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  try {
    const role = await admin.query("SELECT 1 FROM pg_roles WHERE rolname = 'bench'");
    if (role.rowCount === 0) await admin.query("CREATE ROLE bench LOGIN SUPERUSER PASSWORD 'bench'");
    const db = await admin.query("SELECT 1 FROM pg_database WHERE datname = 'bench'");
    if (db.rowCount === 0) await admin.query('CREATE DATABASE bench OWNER bench');
  } finally {
    await admin.end();
  }
  return dir;
}

/**
 * What each process is, for the CPU figures: the side's own servers (the floor's two processes, or
 * Wetty's roles), PostgreSQL (every backend and the server's shared processes: only one side writes
 * at a time), Redis, and the driver. Anything else on the machine is left out.
 */
function groupOf(wettyRoles: ReadonlyMap<number, string>) {
  return (command: string, pid: number): string | null => {
    const role = wettyRoles.get(pid);
    if (role !== undefined) return `wetty ${role}`;
    if (command.includes('floor-server.cjs api')) return 'floor api';
    if (command.includes('floor-server.cjs rt')) return 'floor realtime';
    if (command.includes('drive.cjs')) return 'driver';
    if (command.startsWith('redis-server')) return 'redis';
    if (command.startsWith('postgres')) return 'postgres';
    return null;
  };
}

/** The driver waits this long after its last send before it reports (drive.cjs). */
const DRIVER_TAIL_S = 2;
/** The first seconds of sending are left out of the CPU figures (connections and JIT settling). */
const CPU_SETTLE_S = 2;

/**
 * Core-ms per send by group while the driver sent: from snapshots taken every second, the pair that
 * spans its sending window best — the driver sends for `sent ÷ achieved` seconds and reports
 * `DRIVER_TAIL_S` after the last send — less its first `CPU_SETTLE_S` seconds. The sends in that window
 * are counted at the achieved rate.
 */
function cpuPerSend(snapshots: readonly CpuSnapshot[], exitedAt: number, result: DriveResult): Record<string, number> | null {
  const sendSpanMs = (result.delivered + result.lost) / result.achievedSendsPerS * 1000;
  const sendingEnd = exitedAt - DRIVER_TAIL_S * 1000;
  const sendingStart = sendingEnd - sendSpanMs + CPU_SETTLE_S * 1000;
  const first = snapshots.find((s) => s.at >= sendingStart);
  const last = snapshots.findLast((s) => s.at <= sendingEnd);
  if (!first || !last || last.at - first.at < 2000) return null;
  const sends = (result.achievedSendsPerS * (last.at - first.at)) / 1000;
  const perSend = [...last.byGroup].map(([group, cpu]) => [group, Math.round(((cpu - (first.byGroup.get(group) ?? 0)) * 1000 / sends) * 1000) / 1000] as const);
  return Object.fromEntries(perSend.filter(([, ms]) => ms > 0).sort((a, b) => b[1] - a[1]));
}

const QUIET_BUSY = 0.15;
const QUIET_WAIT_MS = 60_000;

/**
 * Waits until the machine is quiet — under 15 % of its cores busy over a second — so that a run does
 * not share the machine with what the run before it left behind (the other side's workers finishing
 * their pushes, PostgreSQL's autovacuum after its inserts). Gives up after a minute, saying so.
 */
async function untilQuiet(): Promise<void> {
  const cores = availableParallelism();
  const started = performance.now();
  for (;;) {
    const before = await cpuSnapshot(() => null);
    await new Promise((resolveWait) => setTimeout(resolveWait, 1000));
    const after = await cpuSnapshot(() => null);
    const busy = (after.machineBusySeconds - before.machineBusySeconds) / ((after.at - before.at) / 1000) / cores;
    if (busy < QUIET_BUSY) return;
    if (performance.now() - started > QUIET_WAIT_MS) {
      console.log(`  (the machine is still ${Math.round(busy * 100)} % busy after ${QUIET_WAIT_MS / 1000} s; running anyway)`);
      return;
    }
  }
}

/** One driver run, on a quiet machine: its JSON line, and the CPU per send while it sent. */
async function drive(dir: string, adapter: string, rate: number, env: Record<string, string> = {}, durationS = args.duration): Promise<RunResult> {
  await untilQuiet();
  const group = groupOf(new Map((await system.roles()).map((r) => [r.pid, r.role])));
  const child = spawn(process.execPath, ['drive.cjs', adapter, String(rate), durationS, args.pairs], {
    cwd: dir,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const snapshots: CpuSnapshot[] = [];
  const sampling = setInterval(() => void cpuSnapshot(group).then((s) => snapshots.push(s), () => undefined), 1000);
  const code = await new Promise<number | null>((resolveExit) => child.once('exit', resolveExit));
  const exitedAt = performance.now();
  clearInterval(sampling);
  const line = output.split('\n').find((l) => l.startsWith('{'));
  if (code !== 0 || !line) throw new Error(`${adapter} at ${rate}/s exited with ${code}: ${output}`);
  const result = JSON.parse(line) as DriveResult;
  return { ...result, cpuMsPerSend: cpuPerSend(snapshots, exitedAt, result) };
}

/** The uncounted first run of a side, at the lowest rate. */
async function warmUp(name: string, adapter: string, env: Record<string, string> = {}): Promise<void> {
  if (Number(args.warmup) <= 0) return;
  const rate = Math.min(...rates);
  console.log(`${name} warm-up at ${rate}/s for ${args.warmup} s (not counted) …`);
  await drive(dir, adapter, rate, env, args.warmup);
}

/** The floor's api and realtime processes, started once and kept running for every run, as Wetty is. */
async function startFloor(): Promise<{ env: Record<string, string>; stop(): void }> {
  const [apiPort, wsPort] = [Number(process.env.FLOOR_API_PORT ?? 3430), Number(process.env.FLOOR_WS_PORT ?? 3431)];
  const processes = (['api', 'rt'] as const).map((role) =>
    spawn(process.execPath, ['floor-server.cjs', role, String(role === 'api' ? apiPort : wsPort)], { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] }),
  );
  await Promise.all(
    processes.map(
      (child) =>
        new Promise<void>((ready, failed) => {
          child.stdout.once('data', (chunk: Buffer) => (chunk.toString().startsWith('ready') ? ready() : failed(new Error(`the floor did not start: ${chunk.toString()}`))));
          child.once('exit', (code) => failed(new Error(`the floor exited with ${code} before it was ready`)));
        }),
    ),
  );
  return {
    env: { FLOOR_API: `http://127.0.0.1:${apiPort}`, FLOOR_WS: `ws://127.0.0.1:${wsPort}` },
    stop: () => processes.forEach((child) => child.kill()),
  };
}

const dir = await prepareFloor();
// Wetty with the limits meant for people lifted: the driver registers hundreds of users from one address.
const system = await startBenchSystem({ SUPERVISOR_WORKERS: args.workers });
const wettyEnv = { WETTY_API: system.apiUrl, WETTY_WS: system.wsUrl };
// The floor kept running (warm) like Wetty, or — `--cold-floor` — restarted by its own adapter for every run.
const runningFloor = args['cold-floor'] ? null : await startFloor().catch(async (err: unknown) => {
  await system.stop();
  throw err;
});
const floorAdapter = runningFloor ? 'running-floor-adapter.cjs' : 'floor-adapter.cjs';
const floorEnv = runningFloor?.env ?? {};
const floor: RateRuns[] = rates.map((rate) => ({ rate, runs: [] }));
const wetty: RateRuns[] = rates.map((rate) => ({ rate, runs: [] }));
// Ctrl-C or a timeout stops the system too, instead of leaving it holding the benchmark's ports.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    runningFloor?.stop();
    void system.stop().then(() => process.exit(130), () => process.exit(1));
  });
}
try {
  await warmUp('floor', floorAdapter, floorEnv);
  await warmUp('wetty', 'wetty-adapter.cjs', wettyEnv);
  for (let round = 1; round <= repeat; round++) {
    for (const [i, rate] of rates.entries()) {
      const of = repeat > 1 ? ` (run ${round} of ${repeat})` : '';
      console.log(`floor at ${rate}/s${of} …`);
      floor[i]?.runs.push(await drive(dir, floorAdapter, rate, floorEnv));
      console.log(`wetty at ${rate}/s${of} …`);
      wetty[i]?.runs.push(await drive(dir, 'wetty-adapter.cjs', rate, wettyEnv));
    }
  }
} finally {
  runningFloor?.stop();
  await system.stop();
}

const best = (results: RateRuns[]) => Math.max(0, ...results.filter((r) => sustainedByMost(r.runs)).map((r) => r.rate));
const cell = ({ runs }: RateRuns) => {
  const figure = (pick: (r: DriveResult) => number) => percentile(runs.map(pick), 50);
  const lost = runs.reduce((sum, r) => sum + r.lost, 0);
  const verdict = `${sustainedByMost(runs) ? 'yes' : 'no'}${runs.length > 1 ? ` (${runs.filter(sustained).length}/${runs.length})` : ''}`;
  return `${figure((r) => r.achievedSendsPerS)} | ${figure((r) => r.latencyMs.p50)} / ${figure((r) => r.latencyMs.p95)} / ${figure((r) => r.latencyMs.p99)} | ${lost} | ${verdict}`;
};
type Side = 'floor' | 'wetty';
/** A run's core-ms per send in one group, or in the side's own processes; NaN when the run could not tell. */
const groupCost = (r: RunResult, group: string) => (r.cpuMsPerSend === null ? Number.NaN : (r.cpuMsPerSend[group] ?? 0));
const ownCost = (r: RunResult, side: Side) =>
  r.cpuMsPerSend === null ? Number.NaN : Object.entries(r.cpuMsPerSend).reduce((sum, [group, ms]) => (group.startsWith(`${side} `) ? sum + ms : sum), 0);
/** A run's machine cost per send: the side's own processes, PostgreSQL and Redis (not the driver, nor the other side idling). */
const systemCost = (r: RunResult, side: Side) => ownCost(r, side) + groupCost(r, 'postgres') + groupCost(r, 'redis');
/** The median over a rate's runs of a cost, null when no run could tell. */
const medianCost = ({ runs }: RateRuns, cost: (r: RunResult) => number) => {
  const known = runs.map(cost).filter((n) => !Number.isNaN(n));
  return known.length === 0 ? null : percentile(known, 50);
};
const costCell = (runs: RateRuns, side: Side) => {
  const shown = (cost: (r: RunResult) => number) => medianCost(runs, cost)?.toFixed(2) ?? '—';
  return `${shown((r) => systemCost(r, side))} (${shown((r) => ownCost(r, side))} / ${shown((r) => groupCost(r, 'postgres'))} / ${shown((r) => groupCost(r, 'redis'))})`;
};
const costLines = [
  '| offered/s | floor core-ms per send: all (own / PostgreSQL / Redis) | Wetty core-ms per send: all (own / PostgreSQL / Redis) |',
  '| ---: | ---: | ---: |',
  ...rates.map((rate, i) => `| ${rate} | ${costCell(floor[i] as RateRuns, 'floor')} | ${costCell(wetty[i] as RateRuns, 'wetty')} |`),
];
const medianNote = repeat > 1 ? `\n(medians of ${repeat} runs; lost: all runs)` : '';
const lines = [
  `| offered/s | floor achieved/s | floor p50 / p95 / p99 ms | floor lost | floor sustained | Wetty achieved/s | Wetty p50 / p95 / p99 ms | Wetty lost | Wetty sustained |`,
  '| ---: | ---: | ---: | ---: | :---: | ---: | ---: | ---: | :---: |',
  ...rates.map((rate, i) => `| ${rate} | ${cell(floor[i] as RateRuns)} | ${cell(wetty[i] as RateRuns)} |`),
];
const floorBest = best(floor);
const wettyBest = best(wetty);
const ratio = floorBest > 0 ? (wettyBest / floorBest).toFixed(2) : 'n/a';
console.log(`\n${lines.join('\n')}${medianNote}\n`);
console.log(`${costLines.join('\n')}\n(the machine's CPU while each side sent, per send, without the driver's: its own processes, PostgreSQL's and Redis's)\n`);
if (repeat > 1) {
  for (const [side, results] of [['floor', floor], ['wetty', wetty]] as const) {
    for (const { rate, runs } of results) console.log(`${side} ${rate}/s p99 by run: ${runs.map((r) => r.latencyMs.p99).join(', ')} ms`);
  }
}
console.log(`highest sustained: floor ${floorBest}/s, Wetty ${wettyBest}/s; ratio Wetty ÷ floor = ${ratio}`);
await writeFile(
  `bench/results/floor-${new Date().toISOString().replace(/[:.]/g, '-')}.json`,
  JSON.stringify({ at: new Date().toISOString(), duration_s: Number(args.duration), warmup_s: Number(args.warmup), pairs: Number(args.pairs), repeat, floor, wetty, floor_best: floorBest, wetty_best: wettyBest, ratio,
    core_ms_per_send: rates.map((rate, i) => ({ rate, floor: medianCost(floor[i] as RateRuns, (r) => systemCost(r, 'floor')), wetty: medianCost(wetty[i] as RateRuns, (r) => systemCost(r, 'wetty')) })) }, null, 2),
);
