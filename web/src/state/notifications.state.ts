import { Store } from '../lib/store.ts';
import { client } from './client.ts';
import type { AppNotification } from './types.ts';

export const notifications = new Store<readonly AppNotification[]>([]);
/** The newest notification id the user has seen on the notifications screen. */
export const seenNotificationId = new Store<string>(localStorage.getItem('wetty.seen-notification') ?? '0');

export async function loadNotifications(): Promise<void> {
  const { notifications: list } = await client.notifications.list({ max: 100 });
  notifications.set([...list].reverse()); // newest first on screen
}

export function onNotification(notification: AppNotification): void {
  if (notifications.get().some((known) => known.id === notification.id)) return;
  notifications.update((list) => [notification, ...list]);
}

export function unseenCount(list: readonly AppNotification[], seen: string): number {
  return list.filter((item) => BigInt(item.id) > BigInt(seen)).length;
}

export function markNotificationsSeen(): void {
  const newest = notifications.get()[0]?.id;
  if (!newest) return;
  localStorage.setItem('wetty.seen-notification', newest);
  seenNotificationId.set(newest);
}

export function resetNotifications(): void {
  notifications.set([]);
}
