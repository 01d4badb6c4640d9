import { createHmac } from 'node:crypto';

/**
 * The api forwards browsers' WebSocket upgrades to the realtime nodes. It marks them with this
 * header, holding a key derived from INTERNAL_SECRET, so a realtime node believes the
 * `X-Forwarded-For` of a forwarded upgrade and of nothing else (a client cannot forge its address).
 */
export const FORWARDED_BY_HEADER = 'x-wetty-forwarded-by';

export function forwardingKey(internalSecret: string): string {
  return createHmac('sha256', internalSecret).update('wetty:ws-forwarding').digest('base64url');
}
