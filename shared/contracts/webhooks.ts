import { z } from 'zod';

/**
 * Webhooks: what Wetty tells an operator's endpoints after a change commits, and what it asks the
 * moderation hook before a message is stored. Declared once; docs/webhooks.md describes them.
 */
export const WEBHOOK_EVENT_TYPES = [
  'message.created',
  /** Declared for message edits; emitted once edits exist. */
  'message.edited',
  'message.recalled',
  'reaction.changed',
  'member.joined',
  'member.left',
  'group.created',
  'group.disbanded',
  'friend.accepted',
  'user.registered',
] as const;
export const WebhookEventType = z.enum(WEBHOOK_EVENT_TYPES);
export type WebhookEventType = z.infer<typeof WebhookEventType>;

/** What `POST /admin/webhooks/{id}/test` sends; no endpoint subscribes to it. */
export const TEST_EVENT_TYPE = 'webhook.test';

/** The JSON body of every delivery. `id` is fixed when the change commits: a redelivery repeats it. */
export const WebhookEvent = z.object({
  id: z.string().min(1),
  type: z.union([WebhookEventType, z.literal(TEST_EVENT_TYPE)]),
  created_at: z.iso.datetime(),
  data: z.record(z.string(), z.unknown()),
});
export type WebhookEvent = z.infer<typeof WebhookEvent>;

/**
 * An event as the outbox records it: the event and its ordering stream (`chat:<id>` for events of a
 * chat, delivered in order per endpoint; null for events delivered as soon as they can be).
 */
export const RecordedWebhookEvent = z.object({ event: WebhookEvent, stream: z.string().min(1).nullable() });
export type RecordedWebhookEvent = z.infer<typeof RecordedWebhookEvent>;

/** The moderation hook's answer about one message. */
export const ModerationVerdict = z.discriminatedUnion('action', [
  z.object({ action: z.literal('allow') }),
  z.object({ action: z.literal('deny'), code: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/), message: z.string().max(500).optional() }),
  z.object({ action: z.literal('replace'), message: z.string().min(1) }),
]);
export type ModerationVerdict = z.infer<typeof ModerationVerdict>;

export const WEBHOOK_HEADERS = {
  event: 'X-Wetty-Event',
  delivery: 'X-Wetty-Delivery',
  timestamp: 'X-Wetty-Timestamp',
  signature: 'X-Wetty-Signature',
} as const;
