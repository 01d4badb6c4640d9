import type { WebhookEventType } from '../../contracts/webhooks.ts';
import type { Db } from '../knex.ts';

export interface WebhookEndpointRow {
  id: string;
  url: string;
  events: WebhookEventType[];
  secret: string;
  created_at: Date;
}

export async function insertWebhookEndpoint(db: Db, endpoint: Pick<WebhookEndpointRow, 'url' | 'events' | 'secret'>): Promise<WebhookEndpointRow> {
  const [row] = await db<WebhookEndpointRow>('webhook_endpoints')
    .insert({ url: endpoint.url, events: endpoint.events, secret: endpoint.secret })
    .returning<WebhookEndpointRow[]>('*');
  if (!row) throw new Error('insert returned no row');
  return row;
}

export async function listWebhookEndpoints(db: Db): Promise<WebhookEndpointRow[]> {
  return db<WebhookEndpointRow>('webhook_endpoints').orderBy('id', 'asc').select('*');
}

export async function findWebhookEndpoint(db: Db, id: string): Promise<WebhookEndpointRow | undefined> {
  return db<WebhookEndpointRow>('webhook_endpoints').where({ id }).first();
}

/** Whether a row was deleted. */
export async function deleteWebhookEndpoint(db: Db, id: string): Promise<boolean> {
  return (await db('webhook_endpoints').where({ id }).delete()) > 0;
}
