import { Counter, Histogram, type Registry } from 'prom-client';

/** Requests by route template (`/users/:uid`, never the raw path), method and status. */
export function httpMetrics(registry: Registry) {
  const labelNames = ['method', 'route', 'status'] as const;
  return {
    requests: new Counter({
      name: 'wetty_http_requests_total',
      help: 'HTTP requests answered, by method, route template and status',
      labelNames,
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'wetty_http_request_duration_seconds',
      help: 'Time the api spent producing a response (every middleware and the handler)',
      labelNames,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
  };
}
