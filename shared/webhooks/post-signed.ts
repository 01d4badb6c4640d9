import { guardedPost, type PostAnswer } from '../http/guarded-post.ts';
import { webhookHeaders } from './signature.ts';

export interface SignedPost {
  url: string;
  secret: string;
  eventType: string;
  deliveryId: string;
  body: string;
  timeoutMs: number;
  /** Allow loopback and private addresses (`WEBHOOK_ALLOW_PRIVATE`). */
  allowPrivate: boolean;
}

/**
 * POSTs a signed JSON body (docs/webhooks.md, "Verifying a delivery") through `guardedPost`: no
 * redirects, bounded by `timeoutMs`, and a public address only unless `allowPrivate`.
 */
export function postSigned(request: SignedPost): Promise<PostAnswer> {
  return guardedPost({
    url: request.url,
    headers: webhookHeaders(request.secret, request.eventType, request.deliveryId, request.body),
    body: request.body,
    timeoutMs: request.timeoutMs,
    allowPrivate: request.allowPrivate,
  });
}
