import { createHash } from 'node:crypto';
import type { Config } from '../config.ts';
import type { WebhookEventType } from '../contracts/webhooks.ts';
import type { Db } from '../db/knex.ts';
import { findWebhookEndpoint, listWebhookEndpoints } from '../db/repositories/webhooks.repository.ts';

/** Where events go: an endpoint registered through the admin api, or one from `WEBHOOKS`. */
export interface WebhookEndpoint {
  id: string;
  url: string;
  events: readonly WebhookEventType[];
  secret: string;
  source: 'api' | 'config';
}

export type WebhookConfig = Pick<Config, 'webhooks'>;

const CONFIG_PREFIX = 'config-';

/** Endpoints from `WEBHOOKS`, with ids that stay the same across restarts (derived from the URL). */
export function configuredEndpoints(config: WebhookConfig): WebhookEndpoint[] {
  return config.webhooks.endpoints.map((e) => ({
    id: CONFIG_PREFIX + createHash('sha256').update(e.url).digest('hex').slice(0, 16),
    url: e.url,
    events: e.events,
    secret: e.secret,
    source: 'config',
  }));
}

export async function allEndpoints(deps: { db: Db; config: WebhookConfig }): Promise<WebhookEndpoint[]> {
  const registered = await listWebhookEndpoints(deps.db);
  return [...configuredEndpoints(deps.config), ...registered.map((r) => ({ id: r.id, url: r.url, events: r.events, secret: r.secret, source: 'api' as const }))];
}

export async function findEndpoint(deps: { db: Db; config: WebhookConfig }, id: string): Promise<WebhookEndpoint | null> {
  if (id.startsWith(CONFIG_PREFIX)) return configuredEndpoints(deps.config).find((e) => e.id === id) ?? null;
  if (!/^[0-9]{1,18}$/.test(id)) return null;
  const row = await findWebhookEndpoint(deps.db, id);
  return row ? { id: row.id, url: row.url, events: row.events, secret: row.secret, source: 'api' } : null;
}
