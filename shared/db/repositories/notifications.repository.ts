import type { Db } from '../knex.ts';

const COLUMNS = ['id', 'uid', 'type', 'data', 'created_at'];

export interface NotificationRow {
  id: string;
  uid: string;
  type: string;
  data: Record<string, unknown>;
  created_at: Date;
}

/**
 * Stores notifications. One with a `once_key` is stored at most once per recipient and key: a second
 * insert is skipped and not returned (a job that runs twice notifies once).
 */
export async function insertNotifications(
  db: Db,
  rows: { uid: string; type: string; data: Record<string, unknown>; once_key?: string }[],
): Promise<NotificationRow[]> {
  if (rows.length === 0) return [];
  return db('notifications')
    .insert(rows.map((r) => ({ ...r, data: JSON.stringify(r.data) })))
    .onConflict(['uid', 'once_key'])
    .ignore()
    .returning<NotificationRow[]>(COLUMNS);
}

/** Stored notifications by id, in id order (ids that no longer exist are left out). */
export async function findNotifications(db: Db, ids: readonly string[]): Promise<NotificationRow[]> {
  if (ids.length === 0) return [];
  return db<NotificationRow>('notifications').whereIn('id', ids).orderBy('id', 'asc').select<NotificationRow[]>(COLUMNS);
}

/** Oldest first. With `afterId`, the ones after it; without, the newest `limit`. */
export async function listNotifications(db: Db, uid: string, limit: number, afterId?: string): Promise<NotificationRow[]> {
  if (afterId !== undefined) {
    return db<NotificationRow>('notifications').where({ uid }).andWhere('id', '>', afterId).orderBy('id', 'asc').limit(limit).select<NotificationRow[]>(COLUMNS);
  }
  const newest = await db<NotificationRow>('notifications').where({ uid }).orderBy('id', 'desc').limit(limit).select<NotificationRow[]>(COLUMNS);
  return newest.reverse();
}
