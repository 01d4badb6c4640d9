import { Router } from '@koa/router';
import type { ApiDeps } from '../deps.ts';
import type { ApiState } from '../http/context.ts';
import { requireOperator, type OperatorCredentials } from './operator-auth.ts';
import { RegisterWebhookBody, WebhookIdParams } from './webhooks.schema.ts';
import * as webhooks from './webhooks.service.ts';

export const WEBHOOKS_ADMIN_PATH = '/admin/webhooks';

/**
 * The operators' webhook endpoints (docs/webhooks.md), behind the same HTTP Basic operator
 * credentials as the queue board. Listed in the API document with the operations (api/docs/ops-operations.ts),
 * not as client routes, so the SDK leaves them out.
 */
export function webhookAdminRoutes(deps: ApiDeps, operator: OperatorCredentials): Router<ApiState> {
  const router = new Router<ApiState>();
  const operatorOnly = requireOperator(operator);
  router.post(WEBHOOKS_ADMIN_PATH, operatorOnly, async (ctx) => {
    ctx.status = 201;
    ctx.body = await webhooks.registerWebhook(deps, RegisterWebhookBody.parse(ctx.request.body ?? {}));
  });
  router.get(WEBHOOKS_ADMIN_PATH, operatorOnly, async (ctx) => {
    ctx.body = await webhooks.listWebhooks(deps);
  });
  router.delete(`${WEBHOOKS_ADMIN_PATH}/:id`, operatorOnly, async (ctx) => {
    await webhooks.removeWebhook(deps, WebhookIdParams.parse(ctx.params).id);
    ctx.status = 204;
  });
  router.post(`${WEBHOOKS_ADMIN_PATH}/:id/test`, operatorOnly, async (ctx) => {
    ctx.body = await webhooks.sendTestEvent(deps, WebhookIdParams.parse(ctx.params).id);
  });
  return router;
}
