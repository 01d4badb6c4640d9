import { Router } from '@koa/router';
import type { ApiDeps } from '../deps.ts';
import type { ApiState } from '../http/context.ts';
import { requireOperator, type OperatorCredentials } from './operator-auth.ts';
import { RegisterWebhookBody, WebhookIdParams } from './webhooks.schema.ts';
import * as webhooks from './webhooks.service.ts';

export const WEBHOOKS_ADMIN_PATH = '/admin/webhooks';

/** Every error these pages answer beyond `invalid_input` and `not_found`, by status (docs/webhooks.md lists them). */
export const WEBHOOK_ADMIN_ERRORS: Readonly<Record<number, readonly string[]>> = {
  400: ['invalid_input', 'invalid_json', 'private_address', 'unresolvable_host'],
  401: ['unauthorized'],
  404: ['not_found'],
  409: ['configured_webhook'],
};

/**
 * The operators' webhook endpoints (docs/webhooks.md), behind the same HTTP Basic operator
 * credentials as the queue board. Operator pages, not client routes: they stay out of the client
 * API document and the SDK.
 */
export function webhookAdminRoutes(deps: ApiDeps, operator: OperatorCredentials): Router<ApiState> {
  const router = new Router<ApiState>({ prefix: WEBHOOKS_ADMIN_PATH });
  router.use(requireOperator(operator));
  router.post('/', async (ctx) => {
    ctx.status = 201;
    ctx.body = await webhooks.registerWebhook(deps, RegisterWebhookBody.parse(ctx.request.body ?? {}));
  });
  router.get('/', async (ctx) => {
    ctx.body = await webhooks.listWebhooks(deps);
  });
  router.delete('/:id', async (ctx) => {
    await webhooks.removeWebhook(deps, WebhookIdParams.parse(ctx.params).id);
    ctx.status = 204;
  });
  router.post('/:id/test', async (ctx) => {
    ctx.body = await webhooks.sendTestEvent(deps, WebhookIdParams.parse(ctx.params).id);
  });
  return router;
}
