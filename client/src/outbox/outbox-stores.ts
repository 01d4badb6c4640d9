import type { OutboxEntry, OutboxStore, StorageLike } from '../types.ts';

/** Keeps unsent messages in memory (the default). */
export function memoryOutboxStore(): OutboxStore {
  const entries = new Map<string, OutboxEntry>();
  return {
    load: () => [...entries.values()],
    put: (entry) => void entries.set(entry.clientGeneratedId, structuredClone(entry)),
    delete: (id) => void entries.delete(id),
  };
}

/** Keeps unsent messages in `localStorage` under `key` (browsers), so they are sent after a reload. */
export function localStorageOutboxStore(key = 'wetty.outbox', storage: StorageLike = (globalThis as unknown as { localStorage: StorageLike }).localStorage): OutboxStore {
  const read = (): Record<string, OutboxEntry> => {
    try {
      const value = JSON.parse(storage.getItem(key) ?? '{}') as unknown;
      return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, OutboxEntry>) : {};
    } catch {
      return {};
    }
  };
  const write = (entries: Record<string, OutboxEntry>) =>
    Object.keys(entries).length === 0 ? storage.removeItem(key) : storage.setItem(key, JSON.stringify(entries));
  return {
    load: () => Object.values(read()),
    put: (entry) => write({ ...read(), [entry.clientGeneratedId]: entry }),
    delete: (id) => {
      const entries = read();
      delete entries[id];
      write(entries);
    },
  };
}
