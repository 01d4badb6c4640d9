/**
 * What Wetty treats as a picture: the raster types a browser may show inline (they cannot carry
 * script). Only these get a size and thumbnails; SVG and every other type never do.
 */
const RASTER_IMAGES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

export const isRasterImage = (mime: string) => RASTER_IMAGES.has(mime);

/** The widths a thumbnail can be asked for (`?w=`); each fits inside w × 3w and is never enlarged. */
export const THUMB_WIDTHS = [160, 320, 640] as const;
export type ThumbWidth = (typeof THUMB_WIDTHS)[number];

/** Thumbnails are WebP: small, with alpha, shown by every current browser. */
export const THUMB_MIME = 'image/webp';

/** Bumped when the way thumbnails are made changes, so cached copies are not taken for new ones. */
const THUMB_VERSION = 1;

/** Stored beside the original: `<original key>-w<width>` (same prefix, same driver). */
export const thumbKey = (storageKey: string, width: ThumbWidth) => `${storageKey}-w${width}`;

/** A strong ETag for one thumbnail, known without reading it: the original's hash, version and width. */
export const thumbEtag = (sha256: string, width: ThumbWidth) => `"${sha256}-t${THUMB_VERSION}-w${width}"`;
