import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import type { Logger } from '../../shared/logger.ts';
import type { ApiState } from './context.ts';

/** Gives each request an id (echoed as X-Request-Id) and logs one line when it ends. Never logs bodies or query strings. */
export function requestLog(log: Logger): Middleware<ApiState> {
  return async (ctx, next) => {
    const started = performance.now();
    ctx.state.requestId = randomUUID();
    ctx.set('X-Request-Id', ctx.state.requestId);
    try {
      await next();
    } finally {
      log.info(
        { requestId: ctx.state.requestId, method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(performance.now() - started), uid: ctx.state.auth?.uid },
        'request',
      );
    }
  };
}
