import { fork, type ChildProcess } from 'node:child_process';
import { freemem, totalmem } from 'node:os';
import { randomBytes } from 'node:crypto';
import { processUsage } from '../bench/lib/stats.ts';
import { probeNode, type NodeSample } from './node-memory.ts';
import { LoadError, limitOf, planClients } from './plan.ts';
import { epochMs, type ClientJob, type ClientReport } from './protocol.ts';
import { apiClient } from './seed-api.ts';
import type { Scenario } from './scenarios.ts';
import type { Seeded, SeededChat } from './topology.ts';

export interface RunOptions {
  scenario: Scenario;
  sockets: number;
  durationS: number;
  rate: number;
  baseUrl: string;
  wsUrl: string;
  sourceAddresses: number;
  perClient: number;
  handshakes: number;
  /** Server processes to sample for CPU and RSS (local mode only). */
  roles: () => Promise<{ role: string; pid: number }[]>;
  /** Ops URLs of the local realtime nodes, asked each second for their sockets and heap. */
  realtimeOps: string[];
}

export interface Sample {
  t: number;
  open: number;
  sendsPerS: number;
  deliveriesPerS: number;
  errors: number;
  latencyP50: number | null;
  latencyMax: number | null;
  processes: { role: string; pid: number; rssMiB: number; cpuPercent: number }[];
}

interface Sent {
  t0: number;
  kind: SeededChat['kind'];
  expected: number;
  got: number;
  last: number;
}

/** Drives the sockets and the traffic, samples once a second, and answers the raw measurements. */
export async function runLoad(o: RunOptions, seeded: Seeded) {
  const slices = planClients(o.sockets, { addresses: o.sourceAddresses, perClient: o.perClient });
  const clients: ChildProcess[] = [];
  const totals = { open: 0, attempted: 0, closes: {} as Record<string, number>, failures: {} as Record<string, number>, duplicates: 0, clientsDone: 0 };
  const connectMs: number[] = [];
  const latencies: number[] = [];
  const sent = new Map<string, Sent>();
  const openBy = new Map<ChildProcess, number>();
  const doneSet = new Set<ChildProcess>();
  let deliveriesThisSecond = 0;
  let errorsThisSecond = 0;
  const secondLatencies: number[] = [];
  const add = (into: Record<string, number>, from: Record<string, number>) => {
    for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
  };

  for (const slice of slices) {
    const child = fork('load/client.ts', [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    clients.push(child);
    child.on('message', (r: ClientReport) => {
      openBy.set(child, r.open);
      totals.attempted += r.attempted;
      connectMs.push(...r.connectMs);
      add(totals.closes, r.closes);
      add(totals.failures, r.failures);
      totals.duplicates += r.duplicates;
      if (r.done && !doneSet.has(child)) doneSet.add(child);
      errorsThisSecond += Object.values(r.failures).reduce((a, b) => a + b, 0) + Object.values(r.closes).reduce((a, b) => a + b, 0);
      for (const [cgid, t] of r.deliveries) {
        const s = sent.get(cgid);
        if (!s) continue;
        s.got++;
        s.last = Math.max(s.last, t);
        latencies.push(t - s.t0);
        secondLatencies.push(t - s.t0);
        deliveriesThisSecond++;
      }
    });
    const job: ClientJob = { type: 'start', wsUrl: o.wsUrl, localAddress: slice.localAddress, identities: seeded.users.slice(slice.from, slice.to), handshakesInFlight: o.handshakes, pingIntervalMs: 30_000 };
    child.send(job);
  }

  // Traffic: `rate` sends a second, by the scenario's mix, each from the chat's sending member.
  const api = apiClient(o.baseUrl);
  const byKind = { direct: seeded.chats.filter((c) => c.kind === 'direct'), small: seeded.chats.filter((c) => c.kind === 'small'), large: seeded.chats.filter((c) => c.kind === 'large') };
  const httpStatus: Record<string, number> = {};
  let issued = 0;
  let sendsThisSecond = 0;
  const pick = (): SeededChat | undefined => {
    const r = Math.random();
    const m = o.scenario.mix;
    const kind = r < m.direct ? 'direct' : r < m.direct + m.small ? 'small' : 'large';
    const list = byKind[kind].length > 0 ? byKind[kind] : seeded.chats;
    return list[issued % Math.max(1, list.length)];
  };
  const send = () => {
    const chat = pick();
    if (!chat) return;
    const cgid = `l${issued++}-${randomBytes(4).toString('hex')}`;
    const sender = seeded.users[chat.sender];
    if (!sender) return;
    sent.set(cgid, { t0: epochMs(), kind: chat.kind, expected: chat.receivers.length, got: 0, last: 0 });
    sendsThisSecond++;
    api('POST', `/chats/${chat.chatId}/messages`, sender.token, { client_generated_id: cgid, message_type: 'text', message: `load ${issued}` }).then(
      (res) => (httpStatus[res.status] = (httpStatus[res.status] ?? 0) + 1),
      () => (httpStatus.error = (httpStatus.error ?? 0) + 1),
    );
  };

  const timeline: Sample[] = [];
  const startedAt = Date.now();
  let heldFrom: number | null = null;
  let stopReason = '';
  const lastCpu = new Map<number, number>();
  const nodeSamples = new Map<number, NodeSample[]>();
  const roles = await o.roles();
  let sendTimer: NodeJS.Timeout | undefined;
  let sendStarted = 0;
  let fatal: string | null = null;

  await new Promise<void>((resolve) => {
    const everySecond = async () => {
      const open = [...openBy.values()].reduce((a, b) => a + b, 0);
      totals.open = open;
      const processes = [];
      for (const r of roles) {
        const u = await processUsage(r.pid);
        if (!u) continue;
        const prev = lastCpu.get(r.pid);
        lastCpu.set(r.pid, u.cpuSeconds);
        processes.push({ role: r.role, pid: r.pid, rssMiB: u.rssMiB, cpuPercent: prev === undefined ? 0 : Math.round((u.cpuSeconds - prev) * 100) });
      }
      const t = Math.round((Date.now() - startedAt) / 1000);
      for (const probe of await Promise.all(o.realtimeOps.map(probeNode))) {
        const rss = probe && processes.find((p) => p.pid === probe.pid)?.rssMiB;
        if (!probe || rss === undefined || rss === null) continue;
        const samples = nodeSamples.get(probe.pid) ?? [];
        samples.push({ t, connections: probe.connections, rssMiB: rss, heapMiB: probe.heapMiB });
        nodeSamples.set(probe.pid, samples);
      }
      secondLatencies.sort((a, b) => a - b);
      timeline.push({ t, open, sendsPerS: sendsThisSecond, deliveriesPerS: deliveriesThisSecond, errors: errorsThisSecond,
        latencyP50: secondLatencies.length ? Math.round(secondLatencies[Math.floor(secondLatencies.length / 2)] as number) : null,
        latencyMax: secondLatencies.length ? Math.round(secondLatencies[secondLatencies.length - 1] as number) : null, processes });
      const failures = Object.values(totals.failures).reduce((a, b) => a + b, 0);
      const closes = Object.values(totals.closes).reduce((a, b) => a + b, 0);
      process.stdout.write(`\r${String(t).padStart(4)}s sockets ${open}/${o.sockets}  sends/s ${sendsThisSecond}  deliveries/s ${deliveriesThisSecond}  errors ${failures + closes}   `);
      sendsThisSecond = deliveriesThisSecond = errorsThisSecond = 0;
      secondLatencies.length = 0;

      if (heldFrom === null && !o.scenario.ramp) {
        // Outside a ramp, a limit is a mistake in the set-up: stop at once and say what to change.
        const limit = Object.keys({ ...totals.failures, ...totals.closes }).map(limitOf).find((l) => l !== null);
        if (limit) {
          fatal = limit;
          clearInterval(tick);
          return resolve();
        }
      }
      if (heldFrom === null) {
        const limit = o.scenario.ramp ? firstLimit(totals, open) : null;
        if (limit) stopReason = limit;
        if (limit || doneSet.size === clients.length) {
          heldFrom = Date.now();
          if (o.rate > 0) {
            sendStarted = Date.now();
            let due = 0;
            sendTimer = setInterval(() => {
              const target = Math.floor(((Date.now() - sendStarted) / 1000) * o.rate);
              while (due < target) {
                due++;
                send();
              }
            }, 10);
          }
        }
      } else if (Date.now() - heldFrom >= o.durationS * 1000) {
        clearInterval(tick);
        resolve();
      }
    };
    const tick = setInterval(() => {
      everySecond().catch((err: unknown) => {
        fatal = `the load tool failed: ${err instanceof Error ? err.message : String(err)}`;
        clearInterval(tick);
        resolve();
      });
    }, 1000);
  });
  if (sendTimer) clearInterval(sendTimer);
  const openAtEnd = totals.open;
  const sendWindowS = sendStarted ? (Date.now() - sendStarted) / 1000 : 0;
  // Grace for deliveries in flight.
  const graceUntil = Date.now() + 10_000;
  while (Date.now() < graceUntil && [...sent.values()].some((s) => s.got < s.expected)) await new Promise((r) => setTimeout(r, 250));
  await new Promise((r) => setTimeout(r, 1100));
  process.stdout.write('\n');
  for (const c of clients) c.send({ type: 'stop' });
  await Promise.all(clients.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)))));

  const failure = fatal as string | null; // set inside the sampling callback
  if (failure) throw new LoadError(`${failure.charAt(0).toUpperCase()}${failure.slice(1)}.`);
  if (!stopReason) stopReason = o.scenario.ramp ? classifyEnd(totals, openAtEnd, o.sockets) : '';
  return { slices, totals, openAtEnd, connectMs, latencies, sent, httpStatus, issued, sendWindowS, timeline, nodeSamples, stopReason, heldS: heldFrom ? (Date.now() - heldFrom) / 1000 : 0 };
}

/** During a ramp: the first limit that shows in the failures, or memory running out. */
function firstLimit(totals: { failures: Record<string, number>; closes: Record<string, number> }, open: number): string | null {
  for (const key of [...Object.keys(totals.closes), ...Object.keys(totals.failures)]) {
    const limit = limitOf(key);
    if (limit) return `${limit} — reached at ${open} open sockets`;
  }
  if (freemem() < totalmem() * 0.05) return `memory: under 5% of RAM free at ${open} open sockets`;
  const failed = Object.values(totals.failures).reduce((a, b) => a + b, 0);
  if (failed > 100) return `handshake failures (${JSON.stringify(totals.failures)}) at ${open} open sockets`;
  return null;
}

function classifyEnd(totals: { failures: Record<string, number>; closes: Record<string, number> }, open: number, cap: number): string {
  const limit = firstLimit(totals, open);
  if (limit) return limit;
  return open >= cap ? `the ramp's own cap (--sockets ${cap}) — raise --sockets to go further` : `stopped at ${open} sockets without a recognised limit`;
}
