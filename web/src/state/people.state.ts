import { Store } from '../lib/store.ts';
import { client } from './client.ts';
import type { PublicUser } from './types.ts';

/** What every listing of people carries; a full public profile adds bio and link. */
export type UserCard = Pick<PublicUser, 'uid' | 'username' | 'nickname' | 'avatar_fid'> & Partial<PublicUser>;

/** Public profiles seen so far, by uid (loaded once, refreshed when the app learns of a change). */
export const users = new Store<ReadonlyMap<string, UserCard>>(new Map());
/** Presence of friends, from `presence` events since this page connected. */
export const presence = new Store<ReadonlyMap<string, 'online' | 'offline'>>(new Map());
/** Who is typing where: chat id → uid → until (ms). */
export const typing = new Store<ReadonlyMap<string, ReadonlyMap<string, number>>>(new Map());

const TYPING_SHOWN_MS = 3500;
const loading = new Set<string>();

export function rememberUsers(list: readonly UserCard[]): void {
  if (list.length === 0) return;
  users.update((map) => {
    const next = new Map(map);
    for (const user of list) next.set(user.uid, { ...next.get(user.uid), uid: user.uid, username: user.username, nickname: user.nickname, avatar_fid: user.avatar_fid });
    return next;
  });
}

/** The profile of `uid` if known; asks the api once otherwise (the caller renders again when it lands). */
export function userOf(uid: string): UserCard | undefined {
  const known = users.get().get(uid);
  if (!known && !loading.has(uid)) {
    loading.add(uid);
    client.users.get(uid).then(
      (user) => rememberUsers([user]),
      () => undefined, // an unknown or hidden user keeps showing its uid
    );
  }
  return known;
}

export function displayName(uid: string): string {
  const user = userOf(uid);
  return user ? user.nickname || user.username : `user ${uid.slice(0, 6)}`;
}

export function resetPeople(): void {
  users.set(new Map());
  presence.set(new Map());
  typing.set(new Map());
  loading.clear();
}

client.on('presence', (event) => {
  presence.update((map) => new Map(map).set(event.uid, event.status));
});

client.on('typing', (event) => {
  typing.update((map) => {
    const next = new Map(map);
    next.set(event.chat_id, new Map(next.get(event.chat_id)).set(event.uid, Date.now() + TYPING_SHOWN_MS));
    return next;
  });
  setTimeout(expireTyping, TYPING_SHOWN_MS + 50);
});

/** A message from someone ends their typing indicator at once. */
export function stopTyping(chatId: string, uid: string): void {
  const current = typing.get().get(chatId);
  if (!current?.has(uid)) return;
  typing.update((map) => {
    const inChat = new Map(map.get(chatId));
    inChat.delete(uid);
    return new Map(map).set(chatId, inChat);
  });
}

function expireTyping(): void {
  const now = Date.now();
  let changed = false;
  const next = new Map<string, ReadonlyMap<string, number>>();
  for (const [chatId, inChat] of typing.get()) {
    const kept = new Map([...inChat].filter(([, until]) => until > now));
    if (kept.size !== inChat.size) changed = true;
    next.set(chatId, kept);
  }
  if (changed) typing.set(next);
}
