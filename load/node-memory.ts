/**
 * What each local realtime node holds, asked on its ops port: open sockets (`/healthz`) and the V8
 * heap in use (`/metrics`). With the RSS sampled from /proc this gives the memory a node spends per
 * socket at the margin.
 */
export interface NodeProbe {
  pid: number;
  connections: number;
  heapMiB: number | null;
}

const mib = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

/** Asks one node; null when it does not answer (stopping, or not up yet). */
export async function probeNode(opsUrl: string): Promise<NodeProbe | null> {
  try {
    const health = (await (await fetch(`${opsUrl}/healthz`, { signal: AbortSignal.timeout(2000) })).json()) as { pid?: number; connections?: number };
    const metrics = await (await fetch(`${opsUrl}/metrics`, { signal: AbortSignal.timeout(2000) })).text();
    const heap = /^nodejs_heap_size_used_bytes(?:\{[^}]*\})?\s+(\d+(?:\.\d+)?)/m.exec(metrics)?.[1];
    if (typeof health.pid !== 'number') return null;
    return { pid: health.pid, connections: health.connections ?? 0, heapMiB: heap === undefined ? null : mib(Number(heap)) };
  } catch {
    return null;
  }
}

export interface NodeSample {
  t: number;
  connections: number;
  rssMiB: number;
  heapMiB: number | null;
}

export interface NodeMemoryMargin {
  pid: number;
  /** Two points of the node's run: the first sample at half its most sockets, and the last one. */
  from: NodeSample;
  to: NodeSample;
  /** (to − from) ÷ sockets added, in KB (1,024 bytes) per socket. */
  rss_kb_per_socket: number | null;
  heap_kb_per_socket: number | null;
}

/**
 * The memory each socket adds to a node at the margin: the slope between the first sample where the
 * node held half its most sockets and the last sample (end of the hold). Null slopes when the node
 * did not gain at least 1,000 sockets between the two.
 */
export function memoryMargins(samplesByPid: Map<number, NodeSample[]>): NodeMemoryMargin[] {
  const margins: NodeMemoryMargin[] = [];
  for (const [pid, samples] of samplesByPid) {
    const to = samples.at(-1);
    if (!to) continue;
    const most = samples.reduce((m, s) => Math.max(m, s.connections), 0);
    const from = samples.find((s) => s.connections >= most / 2) ?? to;
    const added = to.connections - from.connections;
    const slope = (a: number | null, b: number | null) =>
      added >= 1000 && a !== null && b !== null ? Math.round(((b - a) * 1024 * 100) / added) / 100 : null;
    margins.push({ pid, from, to, rss_kb_per_socket: slope(from.rssMiB, to.rssMiB), heap_kb_per_socket: slope(from.heapMiB, to.heapMiB) });
  }
  return margins;
}

/** One line per node for the console. */
export function describeMargins(margins: readonly NodeMemoryMargin[]): string {
  const kb = (v: number | null) => (v === null ? 'n/a' : `${v} KB`);
  return margins
    .map(
      (m) =>
        `realtime ${m.pid}: ${m.from.connections} sockets → RSS ${m.from.rssMiB} MiB, heap ${m.from.heapMiB ?? '?'} MiB; ` +
        `${m.to.connections} sockets → RSS ${m.to.rssMiB} MiB, heap ${m.to.heapMiB ?? '?'} MiB; ` +
        `per socket at the margin: RSS ${kb(m.rss_kb_per_socket)}, heap ${kb(m.heap_kb_per_socket)}`,
    )
    .join('\n');
}
