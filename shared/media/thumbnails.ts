import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import sharp from 'sharp';
import type { FileStorage } from '../storage/storage.ts';
import { imageSizeOf, type ImageSize } from './image-probe.ts';
import { THUMB_WIDTHS, thumbKey, type ThumbWidth } from './images.ts';

// libvips' operation cache only holds memory in a process that never sees the same image twice.
sharp.cache(false);

/** A decode that takes longer than this is abandoned (a pathological file, not a photo). */
const DECODE_TIMEOUT_SECONDS = 60;
const WEBP_QUALITY = 80;

export type ThumbnailOutcome = { state: 'ready'; size: ImageSize } | { state: 'failed'; size: ImageSize | null; reason: string };

/** Each thumbnail fits inside w × 3w (a very tall image is not a 640 × 40,000 strip) and is never enlarged. */
const fitWithin = (width: number) => ({ width, height: width * 3, fit: 'inside' as const, withoutEnlargement: true });

/**
 * Makes and stores every thumbnail width of one stored raster image. The original is copied to a
 * temporary file first, so libvips reads it from disk and memory stays bounded whatever its size (a
 * stream given to sharp would be buffered whole). It is decoded once, to the largest width, with
 * EXIF orientation applied and at most `maxPixels` input pixels; the smaller widths are scaled from
 * that. An image libvips refuses (over the pixel limit, corrupt, too slow) is `failed`; a storage
 * error is thrown, for the job to retry.
 */
export async function makeThumbnails(storage: FileStorage, storageKey: string, maxPixels: number): Promise<ThumbnailOutcome> {
  const dir = await mkdtemp(path.join(tmpdir(), 'wetty-thumb-'));
  try {
    const original = path.join(dir, 'original');
    await pipeline(await storage.get(storageKey), createWriteStream(original));

    let size: ImageSize | null = null;
    let encoded: [ThumbWidth, Buffer][];
    try {
      size = await imageSizeOf(original, maxPixels);
      if (!size) return { state: 'failed', size: null, reason: 'unreadable header, or over the pixel limit' };
      encoded = await encodeAll(original, maxPixels);
    } catch (err) {
      return { state: 'failed', size, reason: err instanceof Error ? err.message : String(err) };
    }
    for (const [width, data] of encoded) await storage.put(thumbKey(storageKey, width), Readable.from([data]), data.length);
    return { state: 'ready', size };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function encodeAll(original: string, maxPixels: number): Promise<[ThumbWidth, Buffer][]> {
  const largest = Math.max(...THUMB_WIDTHS);
  const base = await sharp(original, { limitInputPixels: maxPixels, failOn: 'error', sequentialRead: true })
    .timeout({ seconds: DECODE_TIMEOUT_SECONDS })
    .rotate()
    .resize(fitWithin(largest))
    .raw()
    .toBuffer({ resolveWithObject: true });
  const raw = { width: base.info.width, height: base.info.height, channels: base.info.channels };
  const out: [ThumbWidth, Buffer][] = [];
  for (const width of THUMB_WIDTHS) {
    const data = await sharp(base.data, { raw }).resize(fitWithin(width)).webp({ quality: WEBP_QUALITY }).toBuffer();
    out.push([width, data]);
  }
  return out;
}
