import { Router } from '@koa/router';
import { checkReadiness } from '../../shared/health.ts';
import type { ApiDeps } from '../deps.ts';
import type { ApiState } from './context.ts';

/** `/healthz`: the process is alive. `/readyz`: PostgreSQL and Redis answer and we are not draining. */
export function healthRoutes(deps: ApiDeps, isDraining: () => boolean): Router<ApiState> {
  const router = new Router<ApiState>();
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    const { ready, body } = await checkReadiness(deps.db, deps.redis, isDraining());
    ctx.status = ready ? 200 : 503;
    ctx.body = body;
  });
  return router;
}
