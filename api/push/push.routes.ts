import { route } from '../http/route.ts';
import * as push from './push.service.ts';
import { SubscribeBody, SubscribedResponse, SubscriptionParams, SubscriptionsResponse, VapidKeyResponse } from './push.schema.ts';

// Under /users: the same group in the API document (and the fuzz suite).
const tag = 'users';

/** `/users/push/...`: the devices that get pushes while their user has no live socket. */
export const pushRoutes = [
  route({
    method: 'post', path: '/users/push/subscriptions', tag, auth: true, summary: 'Register this session\'s device for pushes (Web Push, FCM or APNs)',
    body: SubscribeBody, status: 201, response: SubscribedResponse, errors: { 409: ['provider_not_configured'] },
    handle: (deps, { auth, body }) => push.subscribe(deps, auth, body),
  }),
  route({
    method: 'get', path: '/users/push/subscriptions', tag, auth: true, summary: 'List this user\'s push devices',
    response: SubscriptionsResponse,
    handle: (deps, { auth }) => push.listSubscriptions(deps, auth),
  }),
  route({
    method: 'delete', path: '/users/push/subscriptions/:id', tag, auth: true, summary: 'Remove one of this user\'s push devices',
    params: SubscriptionParams, errors: { 404: ['not_found'] },
    handle: (deps, { auth, params }) => push.unsubscribe(deps, auth, params.id),
  }),
  route({
    method: 'get', path: '/users/push/vapid_public_key', tag, auth: true, summary: 'The VAPID public key for a browser\'s pushManager.subscribe',
    response: VapidKeyResponse,
    handle: (deps) => push.vapidPublicKey(deps),
  }),
];
