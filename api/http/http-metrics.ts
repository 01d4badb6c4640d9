import type { Middleware } from 'koa';
import type { Metrics } from '../../shared/metrics/metrics.ts';
import type { ApiState } from './context.ts';

/**
 * Counts and times every request by the route TEMPLATE that matched (`/users/:uid`), never the raw
 * path, so ids cannot explode the number of series. Requests under a mounted sub-application (the
 * queue board) count under its mount path; requests no route matched count as `unmatched`.
 * Sits outside the error handler so it sees the status the client gets.
 */
export function httpMetrics(metrics: Metrics, mounts: readonly string[] = []): Middleware<ApiState> {
  return async (ctx, next) => {
    const stop = metrics.http.duration.startTimer();
    try {
      await next();
    } finally {
      const mount = mounts.find((prefix) => ctx.path === prefix || ctx.path.startsWith(`${prefix}/`));
      const matched = (ctx as { _matchedRoute?: unknown })._matchedRoute;
      const route = mount ?? (typeof matched === 'string' ? matched : 'unmatched');
      const labels = { method: ctx.method, route, status: String(ctx.status) };
      metrics.http.requests.inc(labels);
      stop(labels);
    }
  };
}
