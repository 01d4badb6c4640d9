import { deflateSync } from 'node:zlib';
import sharp from 'sharp';

/**
 * Pseudo-random pixels (3 channels) from a fixed seed: realistic entropy, so encoded files are as
 * large as photos get, and the same bytes every run. Truly random pixels now and then encode to
 * bytes that read as an HTML tag, which the upload's sniffer rightly refuses to call an image.
 */
function noisePixels(width: number, height: number): Buffer {
  const pixels = Buffer.alloc(width * height * 3);
  let state = (width * 73_856_093) ^ (height * 19_349_663) ^ 0x9e37_79b9;
  for (let i = 0; i < pixels.length; i++) {
    // xorshift32
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    pixels[i] = state & 0xff;
  }
  return pixels;
}
const noise = (width: number, height: number) => sharp(noisePixels(width, height), { raw: { width, height, channels: 3 } });

export const noisePng = (width: number, height: number) => noise(width, height).png().toBuffer();
export const noiseWebp = (width: number, height: number) => noise(width, height).webp().toBuffer();
export const noiseGif = (width: number, height: number) => noise(width, height).gif().toBuffer();
/** A JPEG whose EXIF orientation (1–8) says how to turn it for display. */
export const noiseJpeg = (width: number, height: number, orientation = 1) => noise(width, height).jpeg({ quality: 85 }).withMetadata({ orientation }).toBuffer();

/**
 * A decompression bomb: a valid PNG header claiming `width` × `height` RGB pixels (50,000² = 7.5 GB
 * decoded) in a file of a few KiB — only the first rows' zeros are actually there.
 */
export function pixelBombPng(width = 50_000, height = 50_000): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const rows = deflateSync(Buffer.alloc((1 + width * 3) * 4));
  return Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), pngChunk('IHDR', ihdr), pngChunk('IDAT', rows), pngChunk('IEND', Buffer.alloc(0))]);
}

export const svgBytes = () =>
  Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><script>alert(document.domain)</script><rect width="100" height="100"/></svg>');

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? 0xedb88320 ^ (crc >>> 1) : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
