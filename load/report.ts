import { cpus, totalmem } from 'node:os';
import { mkdir, writeFile } from 'node:fs/promises';
import { summarize } from '../bench/lib/stats.ts';
import { memoryMargins } from './node-memory.ts';
import { renderHtml } from './report-html.ts';
import type { runLoad } from './run.ts';

type Raw = Awaited<ReturnType<typeof runLoad>>;

/** The run's numbers as one plain object: what the JSON file holds and the HTML page shows. */
export function buildReport(raw: Raw, meta: { scenario: string; command: string; mode: string; realtimeNodes: number | null; sockets: number; durationS: number; rate: number; seedSeconds: number }) {
  const sends = [...raw.sent.values()];
  const accepted = (raw.httpStatus['201'] ?? 0) + (raw.httpStatus['202'] ?? 0) + (raw.httpStatus['200'] ?? 0);
  const expected = sends.reduce((a, s) => a + s.expected, 0);
  const got = sends.reduce((a, s) => a + Math.min(s.got, s.expected), 0);
  const fanout = sends.filter((s) => s.kind === 'large' && s.got > 0).map((s) => s.last - s.t0);
  const last = raw.timeline.at(-1);
  const unexpectedDrops = Object.entries(raw.totals.closes).reduce((a, [, n]) => a + n, 0);
  return {
    scenario: meta.scenario,
    date: new Date().toISOString(),
    command: meta.command,
    machine: { cores: cpus().length, memory_gib: Math.round(totalmem() / 2 ** 30), node: process.version },
    mode: meta.mode,
    realtime_nodes: meta.realtimeNodes,
    client_processes: raw.slices.length,
    source_addresses: [...new Set(raw.slices.map((s) => s.localAddress))],
    sockets_target: meta.sockets,
    sockets_open_at_end: raw.openAtEnd,
    held_seconds: Math.round(raw.heldS),
    seed_seconds: Math.round(meta.seedSeconds),
    connect_ms: summarize(raw.connectMs),
    handshake_failures: raw.totals.failures,
    sockets_dropped: unexpectedDrops,
    close_codes: raw.totals.closes,
    offered_sends_per_s: meta.rate,
    sends_issued: raw.issued,
    http_status: raw.httpStatus,
    achieved_sends_per_s: raw.sendWindowS > 0 ? Math.round(accepted / raw.sendWindowS) : 0,
    deliveries_expected: expected,
    deliveries_received: got,
    deliveries_lost: expected - got,
    deliveries_duplicated: raw.totals.duplicates,
    send_to_deliver_ms: summarize(raw.latencies),
    large_group_fanout_ms: fanout.length ? summarize(fanout) : null,
    stop_reason: raw.stopReason || null,
    /** Memory each socket adds to a realtime node at the margin (RSS from /proc, V8 heap from the node's /metrics). */
    realtime_memory: memoryMargins(raw.nodeSamples),
    server_processes: (last?.processes ?? []).map((p) => ({
      role: p.role,
      pid: p.pid,
      rss_mib: p.rssMiB,
      cpu_percent_avg: Math.round(raw.timeline.reduce((a, s) => a + (s.processes.find((q) => q.pid === p.pid)?.cpuPercent ?? 0), 0) / Math.max(1, raw.timeline.length)),
    })),
  };
}

export async function writeReport(report: ReturnType<typeof buildReport>, raw: Raw, out?: string): Promise<{ json: string; html: string }> {
  await mkdir('bench/results', { recursive: true });
  const base = out ?? `bench/results/load-${report.scenario}-${report.date.replace(/[:.]/g, '-')}`;
  const json = `${base}.json`;
  const html = `${base}.html`;
  await writeFile(json, JSON.stringify({ ...report, timeline: raw.timeline }, null, 2));
  await writeFile(html, renderHtml(report, raw.timeline));
  return { json, html };
}
