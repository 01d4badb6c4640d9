import type { Client } from 'minio';
import type { Readable } from 'node:stream';
import { sizeMismatch } from './storage.ts';

/**
 * Streams `body` into `bucket/key` with at most two part buffers, reused: one filling while the other
 * uploads. An object smaller than one part goes up in one PUT (and never allocates a part buffer);
 * anything larger as a multipart upload that is aborted if the stream or a part fails, so a failed
 * upload leaves neither an object nor parts.
 *
 * minio's own putObject is not used for streams: with an unknown size it buffers ~500 MiB parts,
 * cannot be told to abort, and never settles when its source stream is destroyed.
 */
export async function putStreamed(client: Client, bucket: string, key: string, body: Readable, partSize: number, size?: number): Promise<void> {
  const chunks: Buffer[] = [];
  let buffered = 0;
  let total = 0;
  const pool: Buffer[] = [];
  let uploadId: string | undefined;
  let partNumber = 0;
  const etags: { part: number; etag: string }[] = [];
  let inFlight: Promise<void> = Promise.resolve();

  /** Moves the first `length` buffered bytes into the pool buffer not being uploaded. */
  const takePart = (length: number): Buffer => {
    const index = partNumber % 2;
    const part = (pool[index] ??= Buffer.allocUnsafeSlow(partSize));
    let offset = 0;
    while (offset < length) {
      const chunk = chunks.shift() as Buffer;
      const n = Math.min(chunk.length, length - offset);
      chunk.copy(part, offset, 0, n);
      if (n < chunk.length) chunks.unshift(chunk.subarray(n));
      offset += n;
    }
    buffered -= length;
    return part.subarray(0, length);
  };

  const sendPart = async (length: number) => {
    const data = takePart(length);
    await inFlight; // one part uploading at a time, so the other pool buffer is free to fill
    uploadId ??= await client.initiateNewMultipartUpload(bucket, key, {});
    const part = ++partNumber;
    const id = uploadId;
    inFlight = client.uploadPart({ bucketName: bucket, objectName: key, uploadID: id, partNumber: part, headers: {} }, data).then(({ etag }) => {
      etags.push({ part, etag });
    });
    // Observed at the next await; until then reading goes on, so the rejection must not count as unhandled.
    inFlight.catch(() => undefined);
  };

  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      buffered += chunk.length;
      total += chunk.length;
      if (buffered >= partSize) await sendPart(partSize);
    }
    if (size !== undefined && total !== size) throw sizeMismatch(size, total);
    if (uploadId === undefined) {
      await client.putObject(bucket, key, Buffer.concat(chunks, buffered), total);
      return;
    }
    if (buffered > 0) await sendPart(buffered);
    await inFlight;
    await client.completeMultipartUpload(bucket, key, uploadId as string, etags);
  } catch (err) {
    body.destroy();
    await inFlight.catch(() => undefined);
    // The caller needs the original error; parts an abort fails to remove are left to the bucket's
    // lifecycle rule for incomplete multipart uploads.
    if (uploadId !== undefined) await client.abortMultipartUpload(bucket, key, uploadId).catch(() => undefined);
    throw err;
  }
}
