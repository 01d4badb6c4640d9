import type { Db } from '../knex.ts';

/** Notes that an object is about to be stored under `key`, before any byte is written. */
export async function notePendingUpload(db: Db, key: string): Promise<void> {
  await db('pending_uploads').insert({ storage_key: key });
}

/** Clears the note; answers false if it was gone already (the sweeper took the upload as abandoned). */
export async function clearPendingUpload(db: Db, key: string): Promise<boolean> {
  return (await db('pending_uploads').where({ storage_key: key }).del()) === 1;
}

/** Keys of uploads started before `before` and never finished, oldest first. */
export async function abandonedUploads(db: Db, before: Date, limit: number): Promise<string[]> {
  const rows = await db('pending_uploads').where('started_at', '<', before).orderBy('started_at').limit(limit).select<{ storage_key: string }[]>('storage_key');
  return rows.map((r) => r.storage_key);
}
