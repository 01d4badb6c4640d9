import type { AuthContext } from '../../shared/auth/authenticate.ts';
import { listNotifications } from '../../shared/db/repositories/notifications.repository.ts';
import type { ApiDeps } from '../deps.ts';

/** Stored notifications, oldest first: the `max` newest, or the next `max` after a seen id. */
export async function getNotifications(deps: ApiDeps, caller: AuthContext, query: { after?: string | undefined; max: number }) {
  const rows = await listNotifications(deps.db, caller.uid, query.max, query.after);
  return {
    notifications: rows.map((n) => ({ id: n.id, type: n.type, created_at: n.created_at.toISOString(), ...n.data })),
  };
}
