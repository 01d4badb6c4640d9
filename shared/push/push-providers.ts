import type { Config } from '../config.ts';
import type { Db } from '../db/knex.ts';
import type { PushKind } from '../db/repositories/push-subscriptions.repository.ts';
import { apnsProvider } from './providers/apns.provider.ts';
import { fcmProvider } from './providers/fcm.provider.ts';
import { Http2Client } from './providers/http2-client.ts';
import { ProviderNotConfiguredError, type PushProvider } from './providers/push-provider.ts';
import { webPushProvider } from './providers/web-push.provider.ts';
import { vapidKeySource, type VapidKeys } from './vapid-keys.ts';

export interface PushProviders {
  /** The provider of a device kind; throws ProviderNotConfiguredError for FCM or APNs without credentials. */
  get(kind: PushKind): PushProvider;
  vapidKeys(): Promise<VapidKeys>;
  close(): void;
}

/**
 * The push services of this system, from the settings. Web Push always works (its VAPID keys are
 * made on first use when none are set); FCM and APNs exist only when their credentials are set, and
 * their key files are read the first time one is used.
 */
export function createPushProviders(config: Config['push'], db: Db): PushProviders {
  const http2 = new Http2Client();
  const vapidKeys = vapidKeySource(db, config.webPush.keys);
  const made = new Map<PushKind, PushProvider>();
  const make = (kind: PushKind): PushProvider => {
    if (kind === 'webpush') return webPushProvider({ vapidKeys, subject: config.webPush.subject });
    if (kind === 'fcm' && config.fcm) return fcmProvider({ ...config.fcm, http2 });
    if (kind === 'apns' && config.apns) return apnsProvider({ ...config.apns, http2 });
    throw new ProviderNotConfiguredError(`${kind} pushes are not configured`);
  };
  return {
    get(kind) {
      let provider = made.get(kind);
      if (!provider) {
        provider = make(kind);
        made.set(kind, provider);
      }
      return provider;
    },
    vapidKeys,
    close: () => http2.close(),
  };
}

/** Whether devices of this kind can be subscribed: Web Push always, FCM and APNs when configured. */
export function providerConfigured(config: Config['push'], kind: PushKind): boolean {
  return kind === 'webpush' || (kind === 'fcm' ? config.fcm !== null : config.apns !== null);
}
