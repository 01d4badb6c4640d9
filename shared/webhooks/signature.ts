import { createHmac } from 'node:crypto';
import { WEBHOOK_HEADERS } from '../contracts/webhooks.ts';

/** `sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`, keyed with the endpoint's secret. */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** The headers of a signed request: the event type, the delivery id, the Unix time in seconds, the signature. */
export function webhookHeaders(secret: string, eventType: string, deliveryId: string, body: string, now = Date.now()): Record<string, string> {
  const timestamp = Math.floor(now / 1000);
  return {
    'content-type': 'application/json',
    'user-agent': 'Wetty-Webhooks/1',
    [WEBHOOK_HEADERS.event]: eventType,
    [WEBHOOK_HEADERS.delivery]: deliveryId,
    [WEBHOOK_HEADERS.timestamp]: String(timestamp),
    [WEBHOOK_HEADERS.signature]: signWebhook(secret, timestamp, body),
  };
}
