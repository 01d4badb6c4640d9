import type { Readable } from 'node:stream';
import sharp from 'sharp';
import type { FileStorage } from '../storage/storage.ts';

/**
 * How much of a stored image is read to learn its size. Image headers come first; a JPEG's size
 * marker follows its EXIF/ICC segments, which rarely pass a few hundred KiB. When it is not in this
 * window (or the format needs the whole file, as GIF does), the media worker fills the size in.
 */
export const PROBE_BYTES = 512 * 1024;

export interface ImageSize {
  width: number;
  height: number;
}

/**
 * The displayed size (EXIF orientation applied) of a stored raster image, from its first bytes only,
 * so memory stays bounded whatever the file's size. Null when the header cannot be read or claims
 * more than `maxPixels` (a decompression bomb is never measured, let alone decoded).
 */
export async function probeImageSize(storage: FileStorage, key: string, size: number, maxPixels: number): Promise<ImageSize | null> {
  if (size === 0) return null;
  const head = await readHead(await storage.get(key, { start: 0, end: Math.min(size, PROBE_BYTES) - 1 }));
  return imageSizeOf(head, maxPixels);
}

/** The displayed size sharp reads from an image header (a buffer or a file path), or null. */
export async function imageSizeOf(input: Buffer | string, maxPixels: number): Promise<ImageSize | null> {
  try {
    const meta = await sharp(input, { limitInputPixels: maxPixels }).metadata();
    const { width, height } = meta.autoOrient;
    return width > 0 && height > 0 ? { width, height } : null;
  } catch {
    return null; // not readable as an image, cut before its size marker, or over the pixel limit
  }
}

async function readHead(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}
