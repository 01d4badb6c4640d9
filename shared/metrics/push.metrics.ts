import { Counter, type Registry } from 'prom-client';

/** Pushes to devices of offline users (shared/push/, workers/processors/push-*.processor.ts). */
export function pushMetrics(registry: Registry) {
  return {
    devicePushes: new Counter({
      name: 'wetty_device_pushes_total',
      help: 'Push attempts to devices, by provider (webpush, fcm, apns) and outcome (sent, device_gone, retry, refused)',
      labelNames: ['provider', 'outcome'] as const,
      registers: [registry],
    }),
    pushesSkipped: new Counter({
      name: 'wetty_pushes_skipped_total',
      help: 'Push jobs that pushed nothing, by reason (online, muted, notifications_none, nothing_new, blocked, not_member, gone)',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
  };
}
