import type { Config } from '../config.ts';
import { createFsStorage } from './fs-storage.ts';
import { createS3Storage } from './s3-storage.ts';
import type { FileStorage } from './storage.ts';

/**
 * The driver the configuration names, ready to use (directory or bucket prepared). `given` (a test's
 * storage) is prepared and used instead.
 */
export async function openStorage(files: Config['files'], given?: FileStorage): Promise<FileStorage> {
  const storage = given ?? (files.storage === 's3' ? createS3Storage(files.s3) : createFsStorage(files.dir));
  await storage.init();
  return storage;
}
