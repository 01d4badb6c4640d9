import type { Session, StorageLike, TokenStore } from '../types.ts';

/** Keeps the session in memory only (the default): it ends with the page or process. */
export function memoryTokenStore(): TokenStore {
  let session: Session | null = null;
  return { load: () => session, save: (next) => void (session = next) };
}

/** Keeps the session in `localStorage` under `key` (browsers), so a reload stays signed in. */
export function localStorageTokenStore(key = 'wetty.session', storage: StorageLike = (globalThis as unknown as { localStorage: StorageLike }).localStorage): TokenStore {
  return {
    load: () => {
      try {
        const value = JSON.parse(storage.getItem(key) ?? 'null') as Session | null;
        return value && typeof value.token === 'string' && typeof value.uid === 'string' ? value : null;
      } catch {
        return null;
      }
    },
    save: (session) => (session ? storage.setItem(key, JSON.stringify(session)) : storage.removeItem(key)),
  };
}
