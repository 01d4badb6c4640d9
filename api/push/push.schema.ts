import { createPublicKey } from 'node:crypto';
import { z } from 'zod';
import { NumericId } from '../../shared/validation/fields.ts';

const base64url = (bytes: number) => {
  const chars = Math.ceil((bytes * 4) / 3);
  return z.string().regex(new RegExp(`^[A-Za-z0-9_-]{${chars}}=*$`), `${bytes} bytes, base64url`);
};

/** An uncompressed P-256 point (the browser's ECDH key), which the payload is encrypted to. */
function isP256Point(base64: string): boolean {
  const point = Buffer.from(base64, 'base64url');
  if (point.length !== 65 || point[0] !== 0x04) return false;
  try {
    createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url') }, format: 'jwk' });
    return true;
  } catch {
    return false;
  }
}

/** A browser's PushSubscription (`subscription.toJSON()`), or a mobile device token. */
export const SubscribeBody = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('webpush'),
    endpoint: z.url({ protocol: /^https?$/ }).max(2048),
    keys: z.object({ p256dh: base64url(65).refine(isP256Point, 'a P-256 public key (uncompressed point)'), auth: base64url(16) }),
    expirationTime: z.number().nullable().optional(),
  }),
  z.strictObject({ kind: z.literal('fcm'), token: z.string().regex(/^[A-Za-z0-9:_.-]{20,4096}$/, '20–4096 characters of an FCM registration token') }),
  z.strictObject({ kind: z.literal('apns'), token: z.string().regex(/^[0-9a-fA-F]{64,200}$/, 'a hex APNs device token') }),
]);
export type SubscribeBody = z.infer<typeof SubscribeBody>;

export const SubscriptionParams = z.object({ id: NumericId });
export const SubscribedResponse = z.object({ id: z.string() });
export const SubscriptionsResponse = z.object({
  subscriptions: z.array(
    z.object({
      id: z.string(),
      kind: z.enum(['webpush', 'fcm', 'apns']),
      /** The Web Push endpoint, or null. */
      endpoint: z.string().nullable(),
      /** The FCM / APNs device token, or null. */
      token: z.string().nullable(),
      created_at: z.iso.datetime(),
      /** Whether it belongs to the session that asks. */
      current: z.boolean(),
    }),
  ),
});
export const VapidKeyResponse = z.object({ public_key: z.string() });
