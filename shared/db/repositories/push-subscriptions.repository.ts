import { runNamed, type Db } from '../knex.ts';

export type PushKind = 'webpush' | 'fcm' | 'apns';

export interface PushSubscriptionRow {
  id: string;
  uid: string;
  client_key: string;
  kind: PushKind;
  /** The Web Push endpoint, or the FCM / APNs device token. */
  address: string;
  p256dh: string | null;
  auth: string | null;
  created_at: Date;
}

const COLUMNS = ['id', 'uid', 'client_key', 'kind', 'address', 'p256dh', 'auth', 'created_at'];

/**
 * Records a device for a session. A device already known (the same endpoint or token) moves to this
 * session with the new keys: one device, one subscription, whoever signed in on it last.
 */
export async function upsertPushSubscription(
  db: Db,
  row: Pick<PushSubscriptionRow, 'uid' | 'client_key' | 'kind' | 'address' | 'p256dh' | 'auth'>,
): Promise<PushSubscriptionRow> {
  const [stored] = await db('push_subscriptions')
    .insert(row)
    .onConflict(['kind', 'address'])
    .merge(['uid', 'client_key', 'p256dh', 'auth'])
    .returning<PushSubscriptionRow[]>(COLUMNS);
  return stored as PushSubscriptionRow;
}

export async function listPushSubscriptions(db: Db, uid: string): Promise<PushSubscriptionRow[]> {
  return db<PushSubscriptionRow>('push_subscriptions').where({ uid }).orderBy('id', 'asc').select<PushSubscriptionRow[]>(COLUMNS);
}

/** The devices of a user whose sessions have not expired: where a push goes. */
export async function liveSubscriptionsOf(db: Db, uid: string): Promise<PushSubscriptionRow[]> {
  return db('push_subscriptions as p')
    .join('sessions as s', function () {
      this.on('s.uid', 'p.uid').andOn('s.client_key', 'p.client_key');
    })
    .where('p.uid', uid)
    .andWhere('s.expires_at', '>', db.fn.now())
    .orderBy('p.id', 'asc')
    .select<PushSubscriptionRow[]>(COLUMNS.map((c) => `p.${c}`));
}

/** One device, if its session is still live. */
export async function findLiveSubscription(db: Db, id: string): Promise<PushSubscriptionRow | undefined> {
  return db('push_subscriptions as p')
    .join('sessions as s', function () {
      this.on('s.uid', 'p.uid').andOn('s.client_key', 'p.client_key');
    })
    .where('p.id', id)
    .andWhere('s.expires_at', '>', db.fn.now())
    .first<PushSubscriptionRow | undefined>(COLUMNS.map((c) => `p.${c}`));
}

export async function deletePushSubscription(db: Db, uid: string, id: string): Promise<boolean> {
  return (await db('push_subscriptions').where({ uid, id }).delete()) === 1;
}

/** The push service said the device is gone (404/410): forget it, unless it was re-registered since. */
export async function forgetPushSubscription(db: Db, id: string, address: string): Promise<void> {
  await db('push_subscriptions').where({ id, address }).delete();
}

/** Of these chats' members, those with at least one device (the only ones a push can reach), by chat. */
export async function membersWithDevices(db: Db, chatIds: readonly string[]): Promise<Map<string, string[]>> {
  const byChat = new Map<string, string[]>();
  if (chatIds.length === 0) return byChat;
  // The send path asks it for every batch.
  const rows = await runNamed<{ chat_id: string; uid: string }>(
    db,
    'members_with_devices',
    `select m.chat_id, m.uid from chat_members m
      where m.chat_id = any(?::bigint[]) and exists (select 1 from push_subscriptions p where p.uid = m.uid)`,
    [[...new Set(chatIds)]],
  );
  for (const row of rows) {
    const members = byChat.get(row.chat_id);
    if (members) members.push(row.uid);
    else byChat.set(row.chat_id, [row.uid]);
  }
  return byChat;
}

/** Of these users, those with at least one device. */
export async function usersWithDevices(db: Db, uids: readonly string[]): Promise<Set<string>> {
  if (uids.length === 0) return new Set();
  const rows = await db('push_subscriptions').whereIn('uid', [...new Set(uids)]).distinct<{ uid: string }[]>('uid');
  return new Set(rows.map((r) => r.uid));
}
