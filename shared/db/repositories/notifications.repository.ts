import type { Db } from '../knex.ts';

export interface NotificationRow {
  id: string;
  uid: string;
  type: string;
  data: Record<string, unknown>;
  created_at: Date;
}

export async function insertNotifications(db: Db, rows: { uid: string; type: string; data: Record<string, unknown> }[]): Promise<NotificationRow[]> {
  if (rows.length === 0) return [];
  return db('notifications').insert(rows.map((r) => ({ ...r, data: JSON.stringify(r.data) }))).returning<NotificationRow[]>('*');
}

/** Oldest first. With `afterId`, the ones after it; without, the newest `limit`. */
export async function listNotifications(db: Db, uid: string, limit: number, afterId?: string): Promise<NotificationRow[]> {
  if (afterId !== undefined) {
    return db<NotificationRow>('notifications').where({ uid }).andWhere('id', '>', afterId).orderBy('id', 'asc').limit(limit);
  }
  const newest = await db<NotificationRow>('notifications').where({ uid }).orderBy('id', 'desc').limit(limit);
  return newest.reverse();
}
