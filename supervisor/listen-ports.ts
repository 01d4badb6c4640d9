import type { Config } from '../shared/config.ts';

interface Listener {
  /** The variable the port comes from, and the process's index when it is a base port plus one. */
  variable: string;
  host: string;
  port: number;
}

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]']);

/**
 * Every address the supervisor's children listen on. Roles run several processes on a base port plus
 * the process's index (API_PORT + i, API_OPS_PORT + i, …); the realtime nodes share WS_PORT.
 */
function listeners(config: Config): Listener[] {
  const range = (variable: string, host: string, base: number, count: number): Listener[] =>
    Array.from({ length: count }, (_, i) => ({ variable: i === 0 ? variable : `${variable} + ${i}`, host, port: base + i }));
  const { api, realtime, workers, supervisor } = config;
  return [
    ...range('API_PORT', api.host, api.port, supervisor.apiProcesses),
    ...range('API_OPS_PORT', api.opsHost, api.opsPort, supervisor.apiProcesses),
    ...(supervisor.realtimeNodes > 0 ? [{ variable: 'WS_PORT', host: realtime.host, port: realtime.port }] : []),
    ...range('REALTIME_OPS_PORT', realtime.host, realtime.opsPort, supervisor.realtimeNodes),
    ...range('WORKER_OPS_PORT', workers.opsHost, workers.opsPort, supervisor.workers),
  ];
}

/**
 * Two children asked to listen on one port (SUPERVISOR_API_PROCESSES=2 puts the second api on
 * API_PORT + 1, which is WS_PORT by default): one of them could never start. Each clash, as a
 * configuration problem naming both variables.
 */
export function portClashes(config: Config): string[] {
  const all = listeners(config);
  const problems: string[] = [];
  all.forEach((a, i) => {
    for (const b of all.slice(i + 1)) {
      const sameHost = a.host === b.host || WILDCARD_HOSTS.has(a.host) || WILDCARD_HOSTS.has(b.host);
      if (a.port !== 0 && a.port === b.port && sameHost) {
        problems.push(`${a.variable} and ${b.variable}: both are port ${a.port}; with SUPERVISOR_API_PROCESSES=${config.supervisor.apiProcesses}, SUPERVISOR_WORKERS=${config.supervisor.workers} and SUPERVISOR_REALTIME_NODES=${config.supervisor.realtimeNodes} each role needs ports of its own`);
      }
    }
  });
  return problems;
}
