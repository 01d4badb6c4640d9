import webpush from 'web-push';
import { guardedPost, type PostAnswer } from '../../http/guarded-post.ts';
import { PrivateAddressError } from '../../http/safe-address.ts';
import type { PushPayload } from '../../contracts/push.ts';
import type { PushSubscriptionRow } from '../../db/repositories/push-subscriptions.repository.ts';
import type { VapidKeys } from '../vapid-keys.ts';
import { checkPushStatus, DeviceGoneError, PushRetryError, type PushProvider } from './push-provider.ts';

/**
 * Web Push (RFC 8030) with VAPID (RFC 8292) and aes128gcm payload encryption (RFC 8291), via the
 * `web-push` library. The endpoint is a URL the user chose, so the request goes out through the
 * guarded POST: public addresses only (unless `allowLocal`), no redirects. A push service on a
 * private address is treated as a gone device.
 */
export function webPushProvider(options: { vapidKeys: () => Promise<VapidKeys>; subject: string; allowLocal: boolean; timeoutMs?: number }): PushProvider {
  return {
    async send(device: PushSubscriptionRow, payload: PushPayload, { collapseKey }) {
      const keys = await options.vapidKeys();
      const request = webpush.generateRequestDetails(
        { endpoint: device.address, keys: { p256dh: device.p256dh ?? '', auth: device.auth ?? '' } },
        JSON.stringify(payload),
        { vapidDetails: { subject: options.subject, ...keys }, TTL: 24 * 3600, contentEncoding: 'aes128gcm', urgency: 'high', topic: collapseKey },
      );
      let answer: PostAnswer;
      try {
        answer = await guardedPost({
          url: request.endpoint,
          headers: request.headers as Record<string, string>,
          body: request.body ?? '',
          timeoutMs: options.timeoutMs ?? 10_000,
          allowPrivate: options.allowLocal,
        });
      } catch (err) {
        if (err instanceof PrivateAddressError) throw new DeviceGoneError(`push service refused: ${err.message}`);
        throw new PushRetryError(`push service unreachable: ${(err as Error).message}`, null);
      }
      const retryAfter = answer.headers['retry-after'];
      checkPushStatus('push service', answer.status, Array.isArray(retryAfter) ? retryAfter[0] : retryAfter, answer.status < 300 ? '' : answer.body);
    },
  };
}
