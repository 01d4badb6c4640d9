import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import sharp from 'sharp';
import { THUMB_WIDTHS, thumbKey } from '../shared/media/images.ts';
import { makeThumbnails } from '../shared/media/thumbnails.ts';
import { createFsStorage } from '../shared/storage/fs-storage.ts';

// `npm run bench:thumbs`: the size of each thumbnail against its original for a 4000×3000 JPEG
// (quality 85), made by the media worker's own code (`makeThumbnails`) through the fs storage driver.
// Two originals: pure noise (the worst case for JPEG, ~8 MB) and a photo-like one (smooth shapes
// plus sensor-like grain, nearer a phone photo's few MB).
const WIDTH = 4000;
const HEIGHT = 3000;
const MAX_PIXELS = 64_000_000;

const noise = (width: number, height: number) => randomBytes(width * height * 3);

async function pureNoise(): Promise<Buffer> {
  return sharp(noise(WIDTH, HEIGHT), { raw: { width: WIDTH, height: HEIGHT, channels: 3 } }).jpeg({ quality: 85 }).toBuffer();
}

async function photoLike(): Promise<Buffer> {
  // Coarse noise blown up and blurred gives soft shapes; a little fine noise on top gives grain.
  const shapes = await sharp(noise(80, 60), { raw: { width: 80, height: 60, channels: 3 } }).resize(WIDTH, HEIGHT, { kernel: 'cubic' }).blur(8).raw().toBuffer();
  const grain = noise(WIDTH, HEIGHT);
  for (let i = 0; i < shapes.length; i++) shapes[i] = Math.max(0, Math.min(255, (shapes[i] as number) + (((grain[i] as number) % 17) - 8)));
  return sharp(shapes, { raw: { width: WIDTH, height: HEIGHT, channels: 3 } }).jpeg({ quality: 85 }).toBuffer();
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

const dir = await mkdtemp(path.join(tmpdir(), 'wetty-bench-thumbs-'));
try {
  const storage = createFsStorage(dir);
  await storage.init();
  console.log(`Thumbnails of a ${WIDTH}×${HEIGHT} JPEG (quality 85), WebP quality 80, made by makeThumbnails():`);
  for (const [label, make] of [['pure noise', pureNoise], ['photo-like', photoLike]] as const) {
    const original = await make();
    const key = `bn/bench_${label.replace(/\W/g, '_')}`;
    await storage.put(key, Readable.from([original]), original.length);
    const started = process.hrtime.bigint();
    const outcome = await makeThumbnails(storage, key, MAX_PIXELS);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (outcome.state !== 'ready') throw new Error(`thumbnailing failed: ${outcome.reason}`);
    console.log(`\n${label}: original ${original.length} bytes (${kib(original.length)}); all ${THUMB_WIDTHS.length} widths made in ${ms.toFixed(0)} ms`);
    for (const width of THUMB_WIDTHS) {
      const stat = await storage.stat(thumbKey(key, width));
      if (!stat) throw new Error(`no thumbnail of width ${width}`);
      const meta = await sharp(await readAll(await storage.get(thumbKey(key, width)))).metadata();
      const ratio = original.length / stat.size;
      const share = (100 * stat.size) / original.length;
      console.log(`  w=${width}: ${`${meta.width}×${meta.height}`.padEnd(8)} ${String(stat.size).padStart(7)} bytes = ${share.toPrecision(2)}% of the original (${ratio.toFixed(0)}× smaller)`);
    }
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}
