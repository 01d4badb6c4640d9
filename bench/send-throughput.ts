import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { createDb } from '../shared/db/knex.ts';
import { takeSearchOff } from './lib/search-indexes.ts';
import { BenchApi } from './lib/api-client.ts';
import { startBenchSystem } from './lib/system.ts';
import { cpuBetween, cpuSnapshot, processUsage, roleSyscalls, summarize, syscallsPerSend, type CpuSnapshot, type RoleSyscalls } from './lib/stats.ts';

/**
 * Durable send throughput and latency, end to end on this machine:
 * HTTP POST /chats/{id}/messages → BullMQ → worker (gate, batched persist, publish) → Redis →
 * realtime node → the recipient's socket. Sends at a fixed offered rate into direct chats and
 * reports what was achieved, send→deliver latency, loss and duplicates, and each process's CPU and RSS.
 *
 * The first `--warmup` seconds (JIT, connection pools, caches filling) are sent at the same rate but
 * left out of the latency and CPU figures. CPU is reported for every process that does the work —
 * the roles, PostgreSQL, Redis and this client — so a shortfall shows where the time goes.
 *
 * PostgreSQL is counted as its backends on this run's database plus the server's shared processes
 * (WAL writer, checkpointer, …): other databases on the machine are left out.
 *
 * `--without-search` drops the message search column and indexes from the run's database before
 * sending (as `bench:search` does for its load), to see what they cost a send: run it and the same
 * command without it back to back.
 *
 *   npm run bench:send -- --rate 1000 --duration 60 --pairs 200 --workers 1
 */
const { values: args } = parseArgs({
  options: {
    rate: { type: 'string', default: '1000' },
    duration: { type: 'string', default: '60' },
    pairs: { type: 'string', default: '200' },
    workers: { type: 'string', default: '1' },
    nodes: { type: 'string', default: '1' },
    grace: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '5' },
    connections: { type: 'string', default: '128' },
    'without-search': { type: 'boolean', default: false },
  },
});
const rate = Number(args.rate);
const durationS = Number(args.duration);
const pairs = Number(args.pairs);

const system = await startBenchSystem({ SUPERVISOR_WORKERS: String(args.workers), SUPERVISOR_REALTIME_NODES: String(args.nodes) });
try {
  if (args['without-search']) {
    const db = createDb({ url: system.env.DATABASE_URL as string, poolMax: 1 });
    try {
      await takeSearchOff(db);
    } finally {
      await db.destroy();
    }
  }
  const databaseName = new URL(system.env.DATABASE_URL as string).pathname.slice(1);
  const client = new BenchApi(system.apiUrl, Number(args.connections));

  // Setup: pairs of friends (the receiver accepts anyone), each receiver with one socket.
  process.stdout.write(`setting up ${pairs} direct chats… `);
  const chats = await client.directChats('bench', pairs);
  const sentAt = new Map<string, number>();
  /** client_generated_ids the api accepted (201 or 202): each must reach its receiver exactly once. */
  const acceptedIds = new Set<string>();
  const measured = new Set<string>();
  const latencies: number[] = [];
  let deliveredCount = 0;
  const delivered = new Map<string, number>();
  const sockets = await Promise.all(
    chats.map(
      (c) =>
        new Promise<WebSocket>((resolve, reject) => {
          const ws = new WebSocket(`${system.wsUrl}?uid=${c.receiver.uid}&token=${c.receiver.token}`);
          ws.on('message', (data: WebSocket.RawData) => {
            const text = data.toString();
            if (!text.startsWith('{"event":"on_message"')) return;
            const cgid = /"client_generated_id":"([^"]+)"/.exec(text)?.[1];
            const started = cgid === undefined ? undefined : sentAt.get(cgid);
            if (cgid === undefined || started === undefined) return;
            const count = (delivered.get(cgid) ?? 0) + 1;
            delivered.set(cgid, count);
            if (count !== 1) return;
            deliveredCount++;
            if (measured.has(cgid)) latencies.push(performance.now() - started);
          });
          ws.once('open', () => resolve(ws));
          ws.once('error', reject);
        }),
    ),
  );
  await new Promise((resolve) => setTimeout(resolve, 500));
  console.log('done');

  const roles = await system.roles();
  const roleOf = new Map(roles.map((r) => [r.pid, r.role]));
  const postgresGroup = (command: string) =>
    /^postgres: [^:]+: (checkpointer|background writer|walwriter|autovacuum|logical replication)/.test(command) ? 'postgres shared' : command.includes(` ${databaseName} `) ? 'postgres' : null;
  const groupOf = (command: string, pid: number) =>
    roleOf.get(pid) ?? (pid === process.pid ? 'bench client' : command.startsWith('redis-server') ? 'redis' : command.startsWith('postgres') ? postgresGroup(command) : null);
  const cpuMarks: { warmupEnd?: CpuSnapshot; sendEnd?: CpuSnapshot } = {};
  const syscallMarks: { warmupEnd?: RoleSyscalls; sendEnd?: RoleSyscalls } = {};
  let warmupMarked = false;

  // Offered load: `rate` sends a second, spread in 10 ms ticks, round-robin over the chats.
  const statuses = new Map<number, number>();
  const httpLatencies: number[] = [];
  let issued = 0;
  let inFlight = 0;
  let answeredInWindow = 0;
  let sendWindowEnded = false;
  const startedAt = performance.now();
  const warmupS = Number(args.warmup);
  const total = rate * (durationS + warmupS);
  const warmupSends = rate * warmupS;
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      if (!warmupMarked && issued >= warmupSends) {
        // Once: the readings take longer than a tick, and the sends must not wait for them.
        warmupMarked = true;
        Promise.all([cpuSnapshot(groupOf), roleSyscalls(roles)]).then(
          ([cpu, syscalls]) => {
            cpuMarks.warmupEnd = cpu;
            syscallMarks.warmupEnd = syscalls;
          },
          () => undefined,
        );
      }
      const due = Math.min(total, Math.floor(((performance.now() - startedAt) / 1000) * rate));
      while (issued < due) {
        const chat = chats[issued % chats.length] as (typeof chats)[number];
        const cgid = `b${issued}-${randomBytes(4).toString('hex')}`;
        issued++;
        inFlight++;
        const t0 = performance.now();
        sentAt.set(cgid, t0);
        const inWindow = issued > warmupSends;
        if (inWindow) measured.add(cgid);
        client.request('POST', `/chats/${chat.chatId}/messages`, { token: chat.sender.token, body: { client_generated_id: cgid, message_type: 'text', message: `benchmark message ${issued}` } })
          .then(
            (res) => {
              statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
              if (res.status !== 201 && res.status !== 202) return;
              acceptedIds.add(cgid);
              if (!sendWindowEnded) answeredInWindow++;
            },
            () => statuses.set(0, (statuses.get(0) ?? 0) + 1),
          )
          .finally(() => {
            if (inWindow) httpLatencies.push(performance.now() - t0);
            inFlight--;
          });
      }
      if (issued >= total) {
        clearInterval(tick);
        resolve();
      }
      const elapsed = (performance.now() - startedAt) / 1000;
      if (Math.floor(elapsed) !== Math.floor(elapsed - 0.01)) {
        process.stdout.write(`\r${elapsed.toFixed(0)}s issued ${issued} in-flight ${inFlight} delivered ${deliveredCount}   `);
      }
    }, 10);
  });
  const sendWindowS = (performance.now() - startedAt) / 1000;
  sendWindowEnded = true;
  [cpuMarks.sendEnd, syscallMarks.sendEnd] = await Promise.all([cpuSnapshot(groupOf), roleSyscalls(roles)]);
  const deadline = Date.now() + Number(args.grace) * 1000;
  while ((inFlight > 0 || [...acceptedIds].some((id) => !delivered.has(id))) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const elapsedS = (performance.now() - startedAt) / 1000;
  console.log();

  const memory = new Map(await Promise.all(roles.map(async (r) => [r.pid, await processUsage(r.pid)] as const)));
  const duplicates = [...delivered.values()].filter((n) => n > 1).length;
  const measuredSends = issued - warmupSends;
  const { warmupEnd, sendEnd } = cpuMarks;
  const cpu = warmupEnd && sendEnd ? cpuBetween(warmupEnd, sendEnd) : null;
  const measuredS = warmupEnd && sendEnd ? (sendEnd.at - warmupEnd.at) / 1000 : Number.NaN;
  const perSend = (percentOfCore: number) => Math.round(((percentOfCore / 100) * measuredS * 1000) / measuredSends * 100) / 100;
  const result = {
    date: new Date().toISOString(),
    command: `npm run bench:send -- ${process.argv.slice(2).join(' ')}`.trim(),
    machine: { cores: (await import('node:os')).cpus().length, node: process.version },
    offered_per_s: rate,
    duration_s: durationS,
    pairs,
    workers: Number(args.workers),
    realtime_nodes: Number(args.nodes),
    issued,
    http_status: Object.fromEntries(statuses),
    /** Sends answered 201/202 while sending was still going on, per second of sending. */
    achieved_sends_per_s: Math.round(answeredInWindow / sendWindowS),
    http_ms: summarize(httpLatencies),
    send_to_deliver_ms: summarize(latencies),
    warmup_s: warmupS,
    /** Accepted (201/202) but not delivered by the end of the grace period: lost, or still queued if the run ended with a backlog. */
    undelivered: [...acceptedIds].filter((id) => !delivered.has(id)).length,
    duplicates,
    unanswered_http: inFlight,
    /** Percent of one core over the measured window (after warm-up); the machine has cores × 100. */
    cpu_percent: cpu,
    /** Core-milliseconds the whole machine spent per send: the budget is cores × 1000 / rate. */
    machine_cpu_ms_per_send: cpu ? perSend(cpu.machine_busy_percent) : null,
    /** The same for this run's processes only (the roles, its PostgreSQL backends and shared processes, Redis, this client). */
    own_cpu_ms_per_send: cpu ? perSend(Object.values(cpu.by_process_percent).reduce((a, b) => a + b, 0)) : null,
    own_cpu_ms_per_send_by_process: cpu ? Object.fromEntries(Object.entries(cpu.by_process_percent).map(([group, percent]) => [group, perSend(percent)])) : null,
    /**
     * Each role's read and write system calls per send over the measured window: its round trips, a
     * count no other load on the machine disturbs. `/proc/<pid>/io` counts read/write calls, not
     * send/recv, so the realtime node's uWebSockets.js sockets do not show.
     */
    role_syscalls_per_send: syscallMarks.warmupEnd && syscallMarks.sendEnd ? syscallsPerSend(syscallMarks.warmupEnd, syscallMarks.sendEnd, measuredSends) : null,
    rss_mib: Object.fromEntries(roles.map((r) => [`${r.role} ${r.pid}`, memory.get(r.pid)?.rssMiB ?? null])),
    elapsed_s: Math.round(elapsedS),
  };
  console.log(JSON.stringify(result, null, 2));
  const met = result.achieved_sends_per_s >= rate * 0.99 && result.send_to_deliver_ms.p99 <= 100 && result.undelivered === 0 && duplicates === 0;
  console.log(
    `${rate}/s offered: ${result.achieved_sends_per_s}/s achieved, send→deliver p99 ${result.send_to_deliver_ms.p99} ms, ` +
      `${result.undelivered} undelivered${inFlight > 0 ? ` (${inFlight} requests still unanswered: a backlog, not necessarily lost)` : ''}, ${duplicates} duplicated — ` +
      (met ? 'sustained with p99 ≤ 100 ms' : 'NOT sustained with p99 ≤ 100 ms'),
  );
  await mkdir('bench/results', { recursive: true });
  await writeFile(`bench/results/send-${result.date.replace(/[:.]/g, '-')}.json`, JSON.stringify(result, null, 2));
  for (const ws of sockets) ws.close();
  client.close();
} finally {
  await system.stop();
}
