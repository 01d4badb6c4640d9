import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { AppError } from '../../shared/errors.ts';
import type { UploadByteQuota } from '../limits/user-limits.ts';
import { SNIFF_BYTES } from './sniff-mime.ts';

export const payloadTooLarge = (maxBytes: number) => new AppError(413, 'payload_too_large', `The file is larger than ${maxBytes} bytes`);

/**
 * Sits between the request and storage: counts bytes and fails the stream as soon as they exceed the
 * limit, computes the SHA-256, and keeps the first bytes for type sniffing. Passes chunks through
 * untouched, so memory stays at one chunk plus the sniff window.
 */
export class UploadMeter extends Transform {
  bytes = 0;
  private readonly hash = createHash('sha256');
  private headBytes = Buffer.alloc(0);

  /** `quota`, when given, counts the bytes against the uploader's hourly allowance as they pass. */
  constructor(
    private readonly maxBytes: number,
    private readonly quota?: UploadByteQuota,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) return callback(payloadTooLarge(this.maxBytes));
    this.hash.update(chunk);
    if (this.headBytes.length < SNIFF_BYTES) {
      this.headBytes = Buffer.concat([this.headBytes, chunk.subarray(0, SNIFF_BYTES - this.headBytes.length)]);
    }
    if (!this.quota) return callback(null, chunk);
    this.quota.add(chunk.length).then(() => callback(null, chunk), callback);
  }

  override _flush(callback: TransformCallback): void {
    if (!this.quota) return callback();
    this.quota.flush().then(() => callback(), callback);
  }

  /** The first bytes, for sniffing. */
  head(): Buffer {
    return this.headBytes;
  }

  /** Hex SHA-256 of everything that passed; call once, after the stream ended. */
  sha256(): string {
    return this.hash.digest('hex');
  }
}
