import { createHash } from 'node:crypto';
import type { Config } from '../config.ts';
import type { WebhookEventType } from '../contracts/webhooks.ts';
import type { Redis } from 'ioredis';
import { readThrough } from '../access/fact-cache.ts';
import type { Db } from '../db/knex.ts';
import type { RedisKeys } from '../redis/keys.ts';
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

/** An endpoint as a delivery is enqueued for it: which events it takes (its URL and secret are read when the delivery runs). */
export type Subscription = Pick<WebhookEndpoint, 'id' | 'events'>;

/** The registered endpoints' subscriptions stay cached until a registration or removal invalidates them (after its commit). */
const SUBSCRIPTIONS_TTL_MS = 10 * 60_000;

/**
 * Every endpoint's subscription, as the send path asks for each batch: the registered ones from
 * the Redis fact cache, so a batch costs no PostgreSQL round trip for them.
 */
export async function subscriptions(deps: { db: Db; redis: Redis; keys: RedisKeys; config: WebhookConfig }): Promise<Subscription[]> {
  const registered = await readThrough(deps.redis, deps.keys.webhookEndpoints, SUBSCRIPTIONS_TTL_MS, async () =>
    (await listWebhookEndpoints(deps.db)).map((r): Subscription => ({ id: r.id, events: r.events })),
  );
  return [...configuredEndpoints(deps.config).map(({ id, events }) => ({ id, events })), ...registered];
}

export async function findEndpoint(deps: { db: Db; config: WebhookConfig }, id: string): Promise<WebhookEndpoint | null> {
  if (id.startsWith(CONFIG_PREFIX)) return configuredEndpoints(deps.config).find((e) => e.id === id) ?? null;
  if (!/^[0-9]{1,18}$/.test(id)) return null;
  const row = await findWebhookEndpoint(deps.db, id);
  return row ? { id: row.id, url: row.url, events: row.events, secret: row.secret, source: 'api' } : null;
}
