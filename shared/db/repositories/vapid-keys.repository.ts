import type { Db } from '../knex.ts';

export interface StoredVapidKeys {
  publicKey: string;
  privateKey: string;
}

/** The stored pair, if any. */
export async function findVapidKeys(db: Db): Promise<StoredVapidKeys | null> {
  const row = await db('vapid_keys').where({ id: 1 }).first<{ public_key: string; private_key: string } | undefined>('public_key', 'private_key');
  return row ? { publicKey: row.public_key, privateKey: row.private_key } : null;
}

/** Stores a pair unless one is stored already (another process was first); answers the stored one. */
export async function storeVapidKeysOnce(db: Db, keys: StoredVapidKeys): Promise<StoredVapidKeys> {
  await db('vapid_keys').insert({ id: 1, public_key: keys.publicKey, private_key: keys.privateKey }).onConflict('id').ignore();
  return (await findVapidKeys(db)) as StoredVapidKeys;
}
