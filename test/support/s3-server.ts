import { rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import S3rver from 's3rver';

export interface S3Server {
  port: number;
  close(): Promise<void>;
}

/** s3rver's test credentials (it does not check signatures). */
export const S3RVER_CREDENTIALS = { accessKey: 'S3RVER', secretKey: 'S3RVER' } as const;

/**
 * An S3-protocol server on a free loopback port, keeping its objects under `directory`.
 * Two gaps of s3rver are filled the way S3 behaves: it lacks AbortMultipartUpload (sent by the s3
 * driver when a streamed upload fails), and it reads `Range: bytes=0-0` as the whole object.
 */
export async function startS3Server(directory: string, port = 0): Promise<S3Server> {
  const server = new S3rver({ address: '127.0.0.1', port, directory, silent: true });
  server.middleware.unshift(async (ctx, next) => {
    if (ctx.method !== 'GET' || ctx.get('range') !== 'bytes=0-0') return next();
    await next();
    const whole = ctx.body;
    if (ctx.status !== 206 || !(whole instanceof Readable)) return;
    const size = ctx.response.get('content-range').split('/')[1];
    ctx.body = Readable.from((async function* () {
      for await (const chunk of whole) {
        yield (chunk as Buffer).subarray(0, 1);
        break;
      }
    })());
    ctx.set('Content-Range', `bytes 0-0/${size}`);
    ctx.length = 1;
  });
  server.middleware.unshift(async (ctx, next) => {
    const uploadId = ctx.query.uploadId;
    if (ctx.method !== 'DELETE' || typeof uploadId !== 'string') return next();
    const bucket = ctx.path.split('/')[1] ?? '';
    if (!/^[0-9a-f]+$/.test(uploadId) || !/^[a-z0-9.-]+$/.test(bucket)) return next();
    await rm(path.join(server.store.getResourcePath(bucket, undefined, 'uploads'), uploadId), { recursive: true, force: true });
    ctx.status = 204;
  });
  const address = await server.run();
  return { port: address.port, close: () => server.close() };
}
