import type { Config } from '../config.ts';
import { createFsStorage } from './fs-storage.ts';
import { createS3Storage } from './s3-storage.ts';
import type { FileStorage } from './storage.ts';

/** The driver the configuration names; the caller runs `init()` before serving. */
export function createStorage(files: Config['files']): FileStorage {
  return files.storage === 's3' ? createS3Storage(files.s3) : createFsStorage(files.dir);
}
