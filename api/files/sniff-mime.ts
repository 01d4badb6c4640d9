/**
 * The type of a file from its first bytes, never from its name or the type a client claims.
 * Images are recognised only by a well-formed header, and a header followed by HTML is not an image,
 * so a polyglot cannot pass as one. Markup is reported as what it is (text/html, image/svg+xml,
 * application/xml); see `isSafeInlineImage` and `servedContentType` for how such files are served.
 */

/** How many leading bytes the sniffer looks at (the upload keeps this many aside). */
export const SNIFF_BYTES = 4096;

/** Raster images a browser may display inline: they cannot carry script. */
const SAFE_INLINE_IMAGES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
/** Types a browser could run script from if it ever rendered them. */
const ACTIVE_TYPES = new Set(['text/html', 'image/svg+xml', 'application/xml']);

export const isSafeInlineImage = (mime: string) => SAFE_INLINE_IMAGES.has(mime);

/** The Content-Type a download is served with: markup goes out as opaque bytes. */
export function servedContentType(mime: string): string {
  if (ACTIVE_TYPES.has(mime)) return 'application/octet-stream';
  if (mime === 'text/plain') return 'text/plain; charset=utf-8';
  return mime;
}

const ascii = (head: Buffer, offset: number, text: string) => head.toString('latin1', offset, offset + text.length) === text;
const bytes = (head: Buffer, offset: number, values: number[]) => values.every((v, i) => head[offset + i] === v);

type Rule = [mime: string, test: (head: Buffer) => boolean];

const BINARY_RULES: Rule[] = [
  // Signature, then the IHDR chunk that must come first.
  ['image/png', (h) => bytes(h, 0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]) && ascii(h, 12, 'IHDR')],
  // SOI, then a marker (APPn, DQT, SOF, DHT, COM).
  ['image/jpeg', (h) => bytes(h, 0, [0xff, 0xd8, 0xff]) && h[3] !== undefined && (h[3] >= 0xc0 && h[3] <= 0xfe)],
  // Version, then a logical screen of non-zero size.
  ['image/gif', (h) => (ascii(h, 0, 'GIF87a') || ascii(h, 0, 'GIF89a')) && h.length >= 10 && h.readUInt16LE(6) > 0 && h.readUInt16LE(8) > 0],
  ['image/webp', (h) => ascii(h, 0, 'RIFF') && ascii(h, 8, 'WEBP') && ['VP8 ', 'VP8L', 'VP8X'].some((c) => ascii(h, 12, c))],
  ['audio/wav', (h) => ascii(h, 0, 'RIFF') && ascii(h, 8, 'WAVE')],
  ['application/pdf', (h) => ascii(h, 0, '%PDF-')],
  ['application/zip', (h) => bytes(h, 0, [0x50, 0x4b]) && [[3, 4], [5, 6], [7, 8]].some((pair) => bytes(h, 2, pair))],
  ['application/gzip', (h) => bytes(h, 0, [0x1f, 0x8b, 0x08])],
  ['audio/mp4', (h) => ascii(h, 4, 'ftyp') && ascii(h, 8, 'M4A ')],
  ['video/quicktime', (h) => ascii(h, 4, 'ftyp') && ascii(h, 8, 'qt  ')],
  ['video/mp4', (h) => ascii(h, 4, 'ftyp')],
  ['video/webm', (h) => bytes(h, 0, [0x1a, 0x45, 0xdf, 0xa3]) && h.includes('webm', 0, 'latin1')],
  ['video/x-matroska', (h) => bytes(h, 0, [0x1a, 0x45, 0xdf, 0xa3])],
  ['application/ogg', (h) => ascii(h, 0, 'OggS')],
  ['audio/mpeg', (h) => ascii(h, 0, 'ID3') || (h[0] === 0xff && h[1] !== undefined && (h[1] & 0xe6) === 0xe2)],
];

// Tags that make a browser treat bytes as a document if it ever sniffs them.
const HTML_TAGS = /<(!doctype\s+html|html|head|body|script|iframe|object|embed|svg|img|style|meta|link|form|title|a\s|div|table|br|p[\s>]|h1|b[\s>]|font)/i;

export function sniffMime(head: Buffer): string {
  const rule = BINARY_RULES.find(([, test]) => test(head));
  if (rule) {
    // An image header followed by HTML is a polyglot: refuse it the image type (and inline display).
    if (isSafeInlineImage(rule[0]) && HTML_TAGS.test(head.toString('latin1'))) return 'application/octet-stream';
    return rule[0];
  }
  if (head.length === 0 || !looksLikeText(head)) return 'application/octet-stream';
  return sniffText(head.toString('utf8'));
}

function sniffText(text: string): string {
  const start = text.replace(/^\uFEFF/, '').trimStart().slice(0, 1024).toLowerCase();
  if (/<svg[\s>]/.test(start) && (start.startsWith('<svg') || start.startsWith('<?xml') || start.startsWith('<!'))) return 'image/svg+xml';
  if (start.startsWith('<') && HTML_TAGS.test(start.slice(0, 64))) return 'text/html';
  if (start.startsWith('<?xml')) return 'application/xml';
  // Anything else with markup in it is still plain text to us: served with nosniff, it is never rendered.
  return 'text/plain';
}

/** UTF-8 without control characters other than tab, newlines, form feed and escape. */
function looksLikeText(head: Buffer): boolean {
  for (const byte of head) {
    if (byte < 0x20 && ![0x09, 0x0a, 0x0c, 0x0d, 0x1b].includes(byte)) return false;
    if (byte === 0x7f) return false;
  }
  // The window may cut a multi-byte character in two; drop up to three trailing bytes of it.
  for (let cut = 0; cut <= 3 && cut < head.length; cut++) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, head.length - cut));
      return true;
    } catch {
      // try a shorter window
    }
  }
  return false;
}
