import webpush from 'web-push';
import type { Db } from '../db/knex.ts';
import { findVapidKeys, storeVapidKeysOnce } from '../db/repositories/vapid-keys.repository.ts';

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

/**
 * The VAPID key pair: `VAPID_PUBLIC_KEY` / `VAPID_PRIVATE_KEY` when set, else the pair stored in
 * PostgreSQL, made on first use. Every process of the system, on any host, reads the same row, so
 * they all sign with the key browsers subscribed with; nothing needs configuring to start.
 */
export function vapidKeySource(db: Db, configured: VapidKeys | null): () => Promise<VapidKeys> {
  let loading: Promise<VapidKeys> | null = null;
  return () => {
    if (configured) return Promise.resolve(configured);
    loading ??= loadOrCreate(db).catch((err: unknown) => {
      loading = null;
      throw err;
    });
    return loading;
  };
}

async function loadOrCreate(db: Db): Promise<VapidKeys> {
  return (await findVapidKeys(db)) ?? storeVapidKeysOnce(db, webpush.generateVAPIDKeys());
}
