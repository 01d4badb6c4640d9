import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, readdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';

/**
 * `npm run bench`: the benchmark suite, in sequence and at modest sizes (about 6 minutes here):
 * idle sockets and KB per socket, durable send throughput and latency, the naive send floor beside
 * Wetty (the ratio of sustained rates), large-group fan-out, and
 * the file streaming benchmark when bench/files.ts exists. Appends a results table to docs/benchmarks.md.
 */
interface Step {
  name: string;
  args: string[];
  /** The JSON file the step writes; a function when its name is only known afterwards. */
  result: () => Promise<Record<string, any> | null>;
}

const readJson = async (path: string) => (existsSync(path) ? (JSON.parse(await readFile(path, 'utf8')) as Record<string, any>) : null);
const newest = async (prefix: string) => {
  const files = (await readdir('bench/results')).filter((f) => f.startsWith(prefix) && f.endsWith('.json')).sort();
  return files.length ? readJson(`bench/results/${files.at(-1)}`) : null;
};

/** Runs one step, echoing its output; answers its exit code and what it printed. */
function run(args: string[]): Promise<{ code: number; output: string }> {
  console.log(`\n$ node --import tsx ${args.join(' ')}`);
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    process.stdout.write(chunk);
    output += chunk.toString();
  });
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code: code ?? 1, output })));
}

const startedAt = new Date();
const steps: Step[] = [
  { name: 'idle sockets', args: ['load/main.ts', '--scenario', 'idle', '--sockets', '5000', '--duration', '30', '--nodes', '1', '--out', 'bench/results/suite-idle'], result: () => readJson('bench/results/suite-idle.json') },
  { name: 'durable sends', args: ['bench/send-throughput.ts', '--rate', '500', '--duration', '20', '--pairs', '200'], result: () => newest('send-') },
  { name: 'floor vs Wetty', args: ['bench/floor.ts', '--rates', '1000,2000,3000', '--duration', '20'], result: () => newest('floor-') },
  { name: 'large-group fan-out', args: ['load/main.ts', '--scenario', 'large-group', '--sockets', '2000', '--duration', '20', '--out', 'bench/results/suite-large-group'], result: () => readJson('bench/results/suite-large-group.json') },
];
// bench/files.ts prints its own markdown table; the suite copies it below its own.
let filesTable = '';
if (existsSync('bench/files.ts')) steps.push({ name: 'file streaming', args: ['bench/files.ts', '--mb', '256'], result: async () => ({ table: filesTable }) });
else console.log('bench/files.ts is not here: the file streaming benchmark is skipped');

const rows: string[] = [];
for (const step of steps) {
  const { code, output } = await run(step.args);
  if (step.name === 'file streaming') filesTable = output.split('\n').filter((l) => l.startsWith('|')).join('\n');
  const r = code === 0 ? await step.result() : null;
  if (!r) {
    rows.push(`| ${step.name} | failed (exit ${code}) | \`${step.args.join(' ')}\` |`);
    continue;
  }
  rows.push(`| ${step.name} | ${summarize(step.name, r)} | \`${step.args.join(' ')}\` |`);
}

function summarize(name: string, r: Record<string, any>): string {
  if (name === 'idle sockets') {
    const first = r.timeline?.[0]?.processes ?? [];
    const perNode = (r.server_processes as { role: string; pid: number; rss_mib: number }[])
      .filter((p) => p.role === 'realtime')
      .map((p) => {
        const before = first.find((q: { pid: number; rssMiB: number }) => q.pid === p.pid)?.rssMiB ?? p.rss_mib;
        return `node ${p.pid}: ${p.rss_mib} MiB RSS, ${(((p.rss_mib - before) * 1024) / (r.sockets_open_at_end / r.realtime_nodes)).toFixed(1)} KB/socket`;
      });
    // From half the node's sockets to the end (garbage not yet collected included: see docs/load-testing.md).
    const margins = ((r.realtime_memory ?? []) as { pid: number; rss_kb_per_socket: number | null; heap_kb_per_socket: number | null }[]).map(
      (m) => `node ${m.pid} at the margin: RSS ${m.rss_kb_per_socket ?? 'n/a'} KB, heap ${m.heap_kb_per_socket ?? 'n/a'} KB per socket`,
    );
    return `${r.sockets_open_at_end}/${r.sockets_target} sockets held ${r.held_seconds} s, ${r.sockets_dropped} dropped; connect p50 ${r.connect_ms.p50} ms p99 ${r.connect_ms.p99} ms; ${[...perNode, ...margins].join('; ')}`;
  }
  if (name === 'durable sends') {
    const d = r.send_to_deliver_ms;
    return `${r.achieved_sends_per_s}/s of ${r.offered_per_s}/s offered; send→deliver p50 ${d.p50} p95 ${d.p95} p99 ${d.p99} max ${d.max} ms; undelivered ${r.undelivered}, duplicates ${r.duplicates}`;
  }
  if (name === 'floor vs Wetty') {
    const costs = ((r.core_ms_per_send ?? []) as { rate: number; floor: number | null; wetty: number | null }[])
      .map((c) => `${c.rate}/s floor ${c.floor?.toFixed(2) ?? 'n/a'}, Wetty ${c.wetty?.toFixed(2) ?? 'n/a'}`);
    return `highest sustained (p99 ≤ 100 ms, 0 lost): floor ${r.floor_best}/s, Wetty ${r.wetty_best}/s, ratio ${r.ratio}; core-ms per send: ${costs.join('; ')}`;
  }
  if (name === 'large-group fan-out') {
    const f = r.large_group_fanout_ms ?? {};
    return `${r.sockets_open_at_end} online members, ${r.sends_issued} messages; send→last delivery p50 ${f.p50} p95 ${f.p95} p99 ${f.p99} max ${f.max} ms; lost ${r.deliveries_lost}, duplicates ${r.deliveries_duplicated}`;
  }
  return 'table below';
}

const machine = `${cpus().length} cores (${cpus()[0]?.model.trim()}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const section = `
### \`npm run bench\` — ${startedAt.toISOString()}

Machine: ${machine}. Command: \`npm run bench\` (the suite; each step's own command is in the last column).
Everything runs on the one machine: clients, API, workers, realtime nodes, PostgreSQL and Redis.

| Benchmark | Result | Step |
|---|---|---|
${rows.join('\n')}
${filesTable ? `\nFile streaming (\`bench/files.ts --mb 256\`):\n\n${filesTable}\n` : ''}`;
if (!existsSync('docs/benchmarks.md')) await writeFile('docs/benchmarks.md', '# Benchmarks\n\nMeasured numbers, newest last. How to run them: docs/load-testing.md.\n');
await appendFile('docs/benchmarks.md', section);
console.log(section);
