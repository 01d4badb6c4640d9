import type { PushPayload } from '../../contracts/push.ts';
import type { PushSubscriptionRow } from '../../db/repositories/push-subscriptions.repository.ts';

/** One push service (Web Push, FCM, APNs): sends one payload to one device. */
export interface PushProvider {
  send(device: PushSubscriptionRow, payload: PushPayload, options: { collapseKey: string }): Promise<void>;
  close?(): void;
}

/** The push service says the device no longer exists (404, 410, an unregistered token): forget it. */
export class DeviceGoneError extends Error {
  override name = 'DeviceGoneError';
}

/** The push service is busy or failing (429, 5xx, a network error): try again, after `retryAfterMs` if it said. */
export class PushRetryError extends Error {
  override name = 'PushRetryError';
  constructor(
    message: string,
    readonly retryAfterMs: number | null,
  ) {
    super(message);
  }
}

/** The push service refused the request for good (another 4xx); retrying cannot help. */
export class PushRefusedError extends Error {
  override name = 'PushRefusedError';
}

/** The provider of a device kind is not configured on this system. */
export class ProviderNotConfiguredError extends Error {
  override name = 'ProviderNotConfiguredError';
}

/** `Retry-After` in seconds or as an HTTP date, in milliseconds from now. */
export function retryAfterMs(value: string | null | undefined, now = Date.now()): number | null {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** The outcome of a push service's HTTP status, as the errors above. */
export function checkPushStatus(service: string, status: number, retryAfter: string | null | undefined, detail = ''): void {
  if (status >= 200 && status < 300) return;
  const what = `${service} answered ${status}${detail ? `: ${detail.slice(0, 200)}` : ''}`;
  if (status === 404 || status === 410) throw new DeviceGoneError(what);
  if (status === 429 || status >= 500) throw new PushRetryError(what, retryAfterMs(retryAfter));
  throw new PushRefusedError(what);
}
