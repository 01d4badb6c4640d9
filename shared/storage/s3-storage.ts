import { Client } from 'minio';
import { putStreamed } from './s3-upload.ts';
import { assertStorageKey, ObjectNotFoundError, type FileStorage } from './storage.ts';

export interface S3Settings {
  endPoint: string;
  port: number;
  useSSL: boolean;
  accessKey: string;
  secretKey: string;
  bucket: string;
  region: string;
}

/** 8 MiB: above S3's 5 MiB minimum part, and two of them in memory per upload at most. */
export const S3_PART_SIZE = 8 * 1024 * 1024;

const isMissing = (err: unknown) => ['NoSuchKey', 'NotFound'].includes(String((err as { code?: unknown }).code));

/** Objects in one S3 bucket (MinIO in docker-compose), through the minio client. */
export function createS3Storage(settings: S3Settings): FileStorage {
  const { bucket, region } = settings;
  const client = new Client({
    endPoint: settings.endPoint,
    port: settings.port,
    useSSL: settings.useSSL,
    accessKey: settings.accessKey,
    secretKey: settings.secretKey,
    region,
    partSize: S3_PART_SIZE,
  });
  const checked = (key: string) => {
    assertStorageKey(key);
    return key;
  };

  return {
    kind: 's3',

    async init() {
      if (await client.bucketExists(bucket)) return;
      try {
        await client.makeBucket(bucket, region);
      } catch (err) {
        // Another api process created it first.
        if ((err as { code?: unknown }).code !== 'BucketAlreadyOwnedByYou') throw err;
      }
    },

    async put(key, body, size) {
      await putStreamed(client, bucket, checked(key), body, S3_PART_SIZE, size);
    },

    async get(key, range) {
      try {
        if (!range) return await client.getObject(bucket, checked(key));
        return await client.getPartialObject(bucket, checked(key), range.start, range.end - range.start + 1);
      } catch (err) {
        if (isMissing(err)) throw new ObjectNotFoundError(key);
        throw err;
      }
    },

    async stat(key) {
      try {
        return { size: (await client.statObject(bucket, checked(key))).size };
      } catch (err) {
        if (isMissing(err)) return null;
        throw err;
      }
    },

    async delete(key) {
      await client.removeObject(bucket, checked(key));
    },
  };
}
