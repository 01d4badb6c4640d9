import webpush from 'web-push';
import type { PushPayload } from '../../contracts/push.ts';
import type { PushSubscriptionRow } from '../../db/repositories/push-subscriptions.repository.ts';
import type { VapidKeys } from '../vapid-keys.ts';
import { checkPushStatus, PushRetryError, type PushProvider } from './push-provider.ts';

/**
 * Web Push (RFC 8030) with VAPID (RFC 8292) and aes128gcm payload encryption (RFC 8291), via the
 * `web-push` library; the request goes out with fetch so any endpoint scheme the settings allow works.
 */
export function webPushProvider(options: { vapidKeys: () => Promise<VapidKeys>; subject: string; timeoutMs?: number }): PushProvider {
  return {
    async send(device: PushSubscriptionRow, payload: PushPayload, { collapseKey }) {
      const keys = await options.vapidKeys();
      const request = webpush.generateRequestDetails(
        { endpoint: device.address, keys: { p256dh: device.p256dh ?? '', auth: device.auth ?? '' } },
        JSON.stringify(payload),
        { vapidDetails: { subject: options.subject, ...keys }, TTL: 24 * 3600, contentEncoding: 'aes128gcm', urgency: 'high', topic: collapseKey },
      );
      let response: Response;
      try {
        response = await fetch(request.endpoint, {
          method: request.method,
          headers: request.headers as Record<string, string>,
          body: request.body ?? null,
          redirect: 'manual',
          signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
        });
      } catch (err) {
        throw new PushRetryError(`push service unreachable: ${(err as Error).message}`, null);
      }
      const detail = response.ok ? '' : await response.text().catch(() => '');
      checkPushStatus('push service', response.status, response.headers.get('retry-after'), detail);
    },
  };
}
