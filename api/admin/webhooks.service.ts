import { randomBytes, randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { TEST_EVENT_TYPE, type WebhookEvent } from '../../shared/contracts/webhooks.ts';
import type { Effect } from '../../shared/contracts/effects.ts';
import { deleteWebhookEndpoint, insertWebhookEndpoint } from '../../shared/db/repositories/webhooks.repository.ts';
import { commitWithEffects } from '../../shared/effects/outbox.ts';
import { AppError, badRequest, conflict, notFound } from '../../shared/errors.ts';
import { allEndpoints, findEndpoint, type WebhookEndpoint } from '../../shared/webhooks/endpoints.ts';
import { postSigned } from '../../shared/webhooks/post-signed.ts';
import { assertPublicUrl, PrivateAddressError } from '../../shared/http/safe-address.ts';
import type { ApiDeps } from '../deps.ts';
import type { RegisterWebhookBody } from './webhooks.schema.ts';

const TEST_TIMEOUT_MS = 5000;

const view = (endpoint: WebhookEndpoint) => ({
  id: endpoint.id,
  url: endpoint.url,
  events: endpoint.events,
  source: endpoint.source,
});

/**
 * Registers an endpoint. Its host must resolve to public addresses only (unless
 * `WEBHOOK_ALLOW_PRIVATE`); deliveries check the address again when they connect. The secret —
 * given, or generated — is answered here and never again.
 */
export async function registerWebhook(deps: ApiDeps, body: z.infer<typeof RegisterWebhookBody>) {
  if (!deps.config.webhooks.allowPrivate) {
    try {
      await assertPublicUrl(new URL(body.url));
    } catch (err) {
      if (err instanceof PrivateAddressError) throw badRequest('private_address', err.message);
      throw badRequest('unresolvable_host', `The URL's host does not resolve: ${(err as Error).message}`);
    }
  }
  const secret = body.secret ?? `whsec_${randomBytes(24).toString('base64url')}`;
  const row = await commitWithEffects(deps, async (trx, effects) => {
    effects.push(forgetSubscriptions(deps));
    return insertWebhookEndpoint(trx, { url: body.url, events: body.events, secret });
  });
  return { ...view({ ...row, source: 'api' }), created_at: row.created_at.toISOString(), secret };
}

export async function listWebhooks(deps: ApiDeps) {
  return { webhooks: (await allEndpoints(deps)).map(view) };
}

export async function removeWebhook(deps: ApiDeps, id: string): Promise<void> {
  const endpoint = await findEndpoint(deps, id);
  if (!endpoint) throw notFound('Webhook');
  if (endpoint.source === 'config') throw conflict('configured_webhook', 'This endpoint comes from WEBHOOKS; change the configuration to remove it');
  const deleted = await commitWithEffects(deps, async (trx, effects) => {
    effects.push(forgetSubscriptions(deps));
    return deleteWebhookEndpoint(trx, id);
  });
  if (!deleted) throw notFound('Webhook');
}

/** The send path's cached subscriptions (shared/webhooks/endpoints.ts) are dropped once a change commits. */
const forgetSubscriptions = (deps: ApiDeps): Effect => ({ kind: 'invalidate', keys: [deps.keys.webhookEndpoints] });

/** Sends a signed `webhook.test` event now and answers what the endpoint said. */
export async function sendTestEvent(deps: ApiDeps, id: string) {
  const endpoint = await findEndpoint(deps, id);
  if (!endpoint) throw notFound('Webhook');
  const event: WebhookEvent = { id: randomUUID(), type: TEST_EVENT_TYPE, created_at: new Date().toISOString(), data: { webhook_id: endpoint.id } };
  try {
    const answer = await postSigned({
      url: endpoint.url,
      secret: endpoint.secret,
      eventType: event.type,
      deliveryId: event.id,
      body: JSON.stringify(event),
      timeoutMs: TEST_TIMEOUT_MS,
      allowPrivate: deps.config.webhooks.allowPrivate,
    });
    return { event_id: event.id, delivered: answer.status >= 200 && answer.status <= 299, status: answer.status };
  } catch (err) {
    if (err instanceof PrivateAddressError) throw new AppError(400, 'private_address', err.message);
    return { event_id: event.id, delivered: false, status: null, error: (err as Error).message };
  }
}
