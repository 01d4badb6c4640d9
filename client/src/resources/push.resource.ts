import type { BodyOf } from '../rest/request-types.ts';
import type { Requester } from './requester.ts';

/**
 * Devices that get pushes while you have no socket open (`/users/push`). A subscription belongs to
 * this session: logging out or revoking the session removes it.
 */
export function pushResource(request: Requester) {
  return {
    /** The key to pass as `applicationServerKey` to `registration.pushManager.subscribe` in a browser. */
    vapidPublicKey: () => request('GET', '/users/push/vapid_public_key'),
    /** Registers a browser's `PushSubscription.toJSON()` with `kind: "webpush"`, or an FCM / APNs device token. */
    subscribe: (device: BodyOf<'POST /users/push/subscriptions'>) => request('POST', '/users/push/subscriptions', { body: device }),
    list: () => request('GET', '/users/push/subscriptions'),
    unsubscribe: (id: string) => request('DELETE', '/users/push/subscriptions/{id}', { params: { id } }),
  };
}
