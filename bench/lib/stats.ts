import { readdir, readFile } from 'node:fs/promises';

/** Percentile of sorted-or-not numbers (nearest rank). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

export function summarize(values: readonly number[]) {
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    count: values.length,
    p50: round(percentile(values, 50)),
    p95: round(percentile(values, 95)),
    p99: round(percentile(values, 99)),
    // reduce, not Math.max(...values): a long run has more samples than the call stack has room for.
    max: round(values.length ? values.reduce((a, b) => (b > a ? b : a)) : Number.NaN),
  };
}

/**
 * The fields of `/proc/<pid>/stat` after the command name: [1] is the parent pid, [11] and [12] the
 * user and system clock ticks (100 a second).
 */
async function statFields(pid: number | string): Promise<string[]> {
  return (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]?.split(' ') ?? [];
}
const cpuSecondsOf = (fields: string[]) => (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) / 100;
const commandOf = async (pid: number | string) => (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').join(' ');

/** The pids on this machine, for walking `/proc`. */
async function pids(): Promise<string[]> {
  return (await readdir('/proc')).filter((entry) => /^\d+$/.test(entry));
}

/** Resident memory (MiB) and CPU seconds used so far by a process, from /proc. */
export async function processUsage(pid: number): Promise<{ rssMiB: number; cpuSeconds: number } | null> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return { rssMiB: Math.round(rssKb / 102.4) / 10, cpuSeconds: cpuSecondsOf(await statFields(pid)) };
  } catch {
    return null;
  }
}

/** A process's read and write system calls so far (`/proc/<pid>/io`): with one socket call per round trip, a count of its round trips that no other load on the machine disturbs. */
export async function processSyscalls(pid: number): Promise<{ reads: number; writes: number } | null> {
  try {
    const io = await readFile(`/proc/${pid}/io`, 'utf8');
    return { reads: Number(/syscr:\s+(\d+)/.exec(io)?.[1] ?? 0), writes: Number(/syscw:\s+(\d+)/.exec(io)?.[1] ?? 0) };
  } catch {
    return null;
  }
}

export type RoleSyscalls = Map<string, { reads: number; writes: number } | null>;

/** Each role's system calls so far, by role name. */
export async function roleSyscalls(roles: readonly { role: string; pid: number }[]): Promise<RoleSyscalls> {
  return new Map(await Promise.all(roles.map(async (r) => [r.role, await processSyscalls(r.pid)] as const)));
}

/** Each role's reads and writes per send between two `roleSyscalls` readings (null for a role that could not be read). */
export function syscallsPerSend(before: RoleSyscalls, after: RoleSyscalls, sends: number): Record<string, { reads: number; writes: number } | null> {
  const perSend = (n: number) => Math.round((n * 100) / sends) / 100;
  return Object.fromEntries(
    [...after].map(([role, io]) => {
      const was = before.get(role);
      return [role, io && was ? { reads: perSend(io.reads - was.reads), writes: perSend(io.writes - was.writes) } : null];
    }),
  );
}

/** The direct children of a process, with their command lines. */
export async function childrenOf(pid: number): Promise<{ pid: number; command: string }[]> {
  const found: { pid: number; command: string }[] = [];
  for (const entry of await pids()) {
    try {
      if (Number((await statFields(entry))[1]) !== pid) continue;
      found.push({ pid: Number(entry), command: await commandOf(entry) });
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

/** CPU seconds so far of every process on the machine, grouped by what it is, plus the machine's busy time. */
export interface CpuSnapshot {
  at: number;
  byGroup: Map<string, number>;
  machineBusySeconds: number;
}

/**
 * Where the CPU goes: each process is put in a group by its command line (`groupOf`; null leaves it
 * out), so that shared services (PostgreSQL's backends, Redis) show beside the system's own roles.
 */
export async function cpuSnapshot(groupOf: (command: string, pid: number) => string | null): Promise<CpuSnapshot> {
  const byGroup = new Map<string, number>();
  for (const entry of await pids()) {
    try {
      const group = groupOf(await commandOf(entry), Number(entry));
      if (group === null) continue;
      byGroup.set(group, (byGroup.get(group) ?? 0) + cpuSecondsOf(await statFields(entry)));
    } catch {
      // the process ended while we looked
    }
  }
  // /proc/stat's first line: user nice system idle iowait irq softirq steal … in clock ticks.
  const ticks = (await readFile('/proc/stat', 'utf8')).split('\n')[0]?.split(/\s+/).slice(1).map(Number) ?? [];
  const busy = ticks.reduce((sum, t, i) => (i === 3 || i === 4 ? sum : sum + (t || 0)), 0);
  return { at: performance.now(), byGroup, machineBusySeconds: busy / 100 };
}

/** CPU use between two snapshots, as percent of one core per group (a 2-core machine has 200). */
export function cpuBetween(before: CpuSnapshot, after: CpuSnapshot): { machine_busy_percent: number; by_process_percent: Record<string, number> } {
  const seconds = (after.at - before.at) / 1000;
  const percent = (cpu: number) => Math.round((cpu / seconds) * 1000) / 10;
  const byProcess = [...after.byGroup].map(([group, cpu]) => [group, percent(cpu - (before.byGroup.get(group) ?? 0))] as const);
  return {
    machine_busy_percent: percent(after.machineBusySeconds - before.machineBusySeconds),
    by_process_percent: Object.fromEntries(byProcess.filter(([, p]) => p >= 0.5).sort((a, b) => b[1] - a[1])),
  };
}
