import http from 'node:http';
import type { Registry } from 'prom-client';
import type { Readiness } from '../health.ts';

export interface OpsEndpoints {
  readiness(): Promise<Readiness>;
  /** Served as `/metrics` in the Prometheus text format. */
  registry: Registry;
  /** Extra fields of the `/healthz` answer (a realtime node adds its connection count). */
  health?: () => Record<string, unknown>;
}

/**
 * A role's private HTTP port for orchestrators and Prometheus: `/healthz`, `/readyz` and `/metrics`.
 * It listens apart from the public listener so metrics are never served to clients.
 */
export function createOpsServer({ readiness, registry, health }: OpsEndpoints): http.Server {
  return http.createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET') return send(405, { error: { code: 'method_not_allowed', message: 'Only GET is served here' } });
    if (path === '/healthz') return send(200, { status: 'ok', pid: process.pid, ...health?.() });
    if (path === '/readyz') {
      readiness().then(({ ready, body }) => send(ready ? 200 : 503, body), () => send(503, { status: 'not_ready' }));
      return;
    }
    if (path === '/metrics') {
      registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
        () => send(503, { error: { code: 'unavailable', message: 'Metrics could not be collected' } }),
      );
      return;
    }
    send(404, { error: { code: 'not_found', message: 'No such path' } });
  });
}

/** Listens and resolves once bound; rejects when the port is taken. */
export function listenOps(server: http.Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
