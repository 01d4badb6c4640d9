import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';

/** `buffer` as a stream of 64 KiB chunks, the way a socket delivers it. */
export function chunked(buffer: Buffer, chunkSize = 64 * 1024): Readable {
  return Readable.from(
    (function* () {
      for (let offset = 0; offset < buffer.length; offset += chunkSize) yield buffer.subarray(offset, offset + chunkSize);
    })(),
  );
}

/** A stream that delivers `bytes` random bytes and then fails with `error`. */
export function failingAfter(bytes: number, error: Error): Readable {
  return Readable.from(
    (async function* () {
      for (let sent = 0; sent < bytes; sent += 64 * 1024) yield randomBytes(Math.min(64 * 1024, bytes - sent));
      throw error;
    })(),
  );
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
