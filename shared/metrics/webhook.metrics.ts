import { Counter, Histogram, type Registry } from 'prom-client';

const latencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 60, 600, 3600];

/** Webhook deliveries and the moderation hook (docs/webhooks.md). */
export function webhookMetrics(registry: Registry) {
  return {
    delivered: new Counter({ name: 'wetty_webhooks_delivered_total', help: 'Webhook events an endpoint accepted with a 2xx', registers: [registry] }),
    failedAttempts: new Counter({
      name: 'wetty_webhook_failed_attempts_total',
      help: 'Webhook delivery attempts that failed (non-2xx, timeout, network, refused address); most are retried',
      registers: [registry],
    }),
    commitToDeliverySeconds: new Histogram({
      name: 'wetty_webhook_commit_to_delivery_seconds',
      help: 'Time from a change committing its event to the endpoint accepting it',
      buckets: latencyBuckets,
      registers: [registry],
    }),
    moderationVerdicts: new Counter({
      name: 'wetty_moderation_verdicts_total',
      help: 'Answers of the moderation hook by action (allow, deny, replace), or `failed_open` / `failed_closed` when it did not answer usefully',
      labelNames: ['verdict'] as const,
      registers: [registry],
    }),
  };
}
