import type { Readable } from 'node:stream';

/** Inclusive byte range, as in HTTP `Range: bytes=start-end`. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Where file bytes live. Keys are chosen by the server (never by clients): `[A-Za-z0-9_-]` segments
 * joined by `/`. Every driver keeps the same promises:
 * - `put` consumes the whole stream and stores it under `key`, or, when the stream fails (a client
 *   gone, a size limit hit) or its length differs from `size`, rejects with that error and leaves
 *   nothing behind; an object is never visible half-written.
 * - `get` rejects with ObjectNotFoundError before any byte flows when the key is missing.
 * - `delete` of a missing key succeeds.
 * Memory stays bounded whatever the object's size.
 */
export interface FileStorage {
  readonly kind: 'fs' | 's3';
  /** Prepares the backing store (directory or bucket); called once at startup. */
  init(): Promise<void>;
  put(key: string, body: Readable, size?: number): Promise<void>;
  get(key: string, range?: ByteRange): Promise<Readable>;
  stat(key: string): Promise<{ size: number } | null>;
  delete(key: string): Promise<void>;
}

export class ObjectNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`No stored object under ${key}`);
    this.name = 'ObjectNotFoundError';
  }
}

const KEY_PATTERN = /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/;

/** Refuses keys that could escape a directory or mean something to a driver. */
export function assertStorageKey(key: string): void {
  if (key.length > 200 || !KEY_PATTERN.test(key)) throw new Error(`invalid storage key: ${JSON.stringify(key)}`);
}

export function sizeMismatch(expected: number, actual: number): Error {
  return new Error(`the stream held ${actual} bytes, not the ${expected} announced`);
}
