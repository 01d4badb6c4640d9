import { createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomBase62 } from '../auth/random.ts';
import { assertStorageKey, ObjectNotFoundError, sizeMismatch, type FileStorage } from './storage.ts';

// Uploads in progress live here until they are complete, then are renamed into place.
const INCOMING = '.incoming';
const STALE_INCOMING_MS = 24 * 3600 * 1000;

const isMissing = (err: unknown) => (err as { code?: unknown }).code === 'ENOENT';

/** Objects as files under `root` (the key is the relative path). The embedded default of `npm start`. */
export function createFsStorage(root: string): FileStorage {
  const dir = path.resolve(root);
  const incoming = path.join(dir, INCOMING);
  const pathOf = (key: string) => {
    assertStorageKey(key);
    return path.join(dir, key);
  };

  return {
    kind: 'fs',

    async init() {
      await mkdir(incoming, { recursive: true });
      await removeStale(incoming);
    },

    async put(key, body, size) {
      const target = pathOf(key);
      const temp = path.join(incoming, randomBase62(24));
      try {
        // `flush`: on disk before the caller records it, so a committed row never points at lost bytes.
        const out = createWriteStream(temp, { flags: 'wx', flush: true });
        await pipeline(body, out);
        if (size !== undefined && out.bytesWritten !== size) throw sizeMismatch(size, out.bytesWritten);
        await mkdir(path.dirname(target), { recursive: true });
        await rename(temp, target);
      } catch (err) {
        body.destroy();
        await rm(temp, { force: true });
        throw err;
      }
    },

    async get(key, range) {
      try {
        const handle = await open(pathOf(key), 'r');
        return handle.createReadStream(range ? { start: range.start, end: range.end } : {});
      } catch (err) {
        if (isMissing(err)) throw new ObjectNotFoundError(key);
        throw err;
      }
    },

    async stat(key) {
      try {
        return { size: (await stat(pathOf(key))).size };
      } catch (err) {
        if (isMissing(err)) return null;
        throw err;
      }
    },

    async delete(key) {
      await rm(pathOf(key), { force: true });
    },
  };
}

/** Leftovers of a process that died mid-upload; young files may belong to a live upload. */
async function removeStale(incoming: string): Promise<void> {
  const cutoff = Date.now() - STALE_INCOMING_MS;
  for (const name of await readdir(incoming)) {
    const file = path.join(incoming, name);
    const info = await stat(file).catch(() => null);
    if (info && info.mtimeMs < cutoff) await rm(file, { force: true });
  }
}
