import type { AuthContext } from '../../shared/auth/authenticate.ts';
import {
  deletePushSubscription,
  listPushSubscriptions,
  upsertPushSubscription,
} from '../../shared/db/repositories/push-subscriptions.repository.ts';
import { badRequest, conflict, notFound, unauthorized } from '../../shared/errors.ts';
import { providerConfigured } from '../../shared/push/push-providers.ts';
import type { ApiDeps } from '../deps.ts';
import type { SubscribeBody } from './push.schema.ts';

/**
 * Records a device of the caller's session. Web Push works out of the box (its keys are made on
 * first use); FCM and APNs need their credentials set (`409 provider_not_configured` otherwise).
 */
export async function subscribe(deps: ApiDeps, caller: AuthContext, body: SubscribeBody): Promise<{ id: string }> {
  const settings = deps.config.push;
  if (!providerConfigured(settings, body.kind)) throw conflict('provider_not_configured', `${body.kind} pushes are not configured on this server`);
  if (body.kind === 'webpush') {
    if (new URL(body.endpoint).protocol !== 'https:' && !settings.webPush.allowHttp) {
      throw badRequest('invalid_input', 'Invalid input', [{ field: 'endpoint', message: 'a push service endpoint must be https' }]);
    }
    await deps.vapidKeys();
  }
  const row = await upsertPushSubscription(deps.db, {
    uid: caller.uid,
    client_key: caller.clientKey,
    kind: body.kind,
    address: body.kind === 'webpush' ? body.endpoint : body.token,
    p256dh: body.kind === 'webpush' ? body.keys.p256dh : null,
    auth: body.kind === 'webpush' ? body.keys.auth : null,
  }).catch((err: unknown) => {
    // The session ended (logout elsewhere) between authentication and the write.
    if ((err as { code?: string }).code === '23503') throw unauthorized();
    throw err;
  });
  return { id: row.id };
}

export async function listSubscriptions(deps: ApiDeps, caller: AuthContext) {
  const rows = await listPushSubscriptions(deps.db, caller.uid);
  return {
    subscriptions: rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      endpoint: r.kind === 'webpush' ? r.address : null,
      token: r.kind === 'webpush' ? null : r.address,
      created_at: r.created_at.toISOString(),
      current: r.client_key === caller.clientKey,
    })),
  };
}

export async function unsubscribe(deps: ApiDeps, caller: AuthContext, id: string): Promise<void> {
  if (!(await deletePushSubscription(deps.db, caller.uid, id))) throw notFound('Push subscription');
}

/** The VAPID public key browsers pass as `applicationServerKey` to `pushManager.subscribe`. */
export async function vapidPublicKey(deps: ApiDeps): Promise<{ public_key: string }> {
  return { public_key: (await deps.vapidKeys()).publicKey };
}
