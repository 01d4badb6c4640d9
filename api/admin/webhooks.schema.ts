import { z } from 'zod';
import { WebhookEventType } from '../../shared/contracts/webhooks.ts';
import { NumericId } from '../../shared/validation/ids.ts';

export const RegisterWebhookBody = z.object({
  url: z.url({ protocol: /^https?$/ }).max(2000),
  events: z.array(WebhookEventType).min(1).max(50).transform((events) => [...new Set(events)]),
  /** Omitted: one is generated and answered once. */
  secret: z.string().min(16).max(256).optional(),
}).strict();

export const WebhookIdParams = z.object({ id: z.union([NumericId, z.string().regex(/^config-[0-9a-f]{16}$/)]) });

export const WebhookView = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(WebhookEventType),
  /** `api`: registered here; `config`: from the `WEBHOOKS` variable (not deletable here). */
  source: z.enum(['api', 'config']),
});
export const RegisteredWebhook = WebhookView.extend({ created_at: z.iso.datetime(), secret: z.string() });
export const WebhookList = z.object({ webhooks: z.array(WebhookView) });
export const TestDelivery = z.object({
  event_id: z.string(),
  delivered: z.boolean(),
  status: z.number().int().nullable(),
  error: z.string().optional(),
});
