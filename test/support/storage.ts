import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createFsStorage } from '../../shared/storage/fs-storage.ts';
import { createS3Storage } from '../../shared/storage/s3-storage.ts';
import type { FileStorage } from '../../shared/storage/storage.ts';
import { S3RVER_CREDENTIALS, startS3Server } from './s3-server.ts';

export type StorageKind = FileStorage['kind'];
export const STORAGE_KINDS: StorageKind[] = ['fs', 's3'];

export interface TestStorage {
  storage: FileStorage;
  /** Every file the backing store keeps on disk (objects, parts, temporary files), relative paths. */
  files(): Promise<string[]>;
  close(): Promise<void>;
}

/** A storage driver of the given kind over a fresh temporary directory; s3 runs s3rver on loopback. */
export async function startTestStorage(kind: StorageKind): Promise<TestStorage> {
  const dir = await mkdtemp(path.join(tmpdir(), `wetty-${kind}-`));
  const files = async (): Promise<string[]> => {
    try {
      const entries = await readdir(dir, { recursive: true, withFileTypes: true });
      return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name))).sort();
    } catch (err) {
      // A directory the store removed while we walked it: look again.
      if ((err as { code?: unknown }).code === 'ENOENT') return files();
      throw err;
    }
  };
  const removeDir = () => rm(dir, { recursive: true, force: true });

  if (kind === 'fs') {
    const storage = createFsStorage(dir);
    await storage.init();
    return { storage, files, close: removeDir };
  }
  const server = await startS3Server(dir);
  const storage = createS3Storage({ endPoint: '127.0.0.1', port: server.port, useSSL: false, ...S3RVER_CREDENTIALS, bucket: 'wetty-test', region: 'us-east-1' });
  await storage.init();
  return {
    storage,
    files,
    close: async () => {
      await server.close();
      await removeDir();
    },
  };
}
