import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

/**
 * The SDK as a browser bundle (ESM, minified, one file) — what an app ships — and its size
 * minified and gzipped. Written to client/dist/browser/wetty-client.min.js; the browser test loads it.
 */
export const browserBundleFile = fileURLToPath(new URL('../dist/browser/wetty-client.min.js', import.meta.url));

export async function buildBrowserBundle(): Promise<{ bytes: number; gzipBytes: number; code: string }> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('../src/index.ts', import.meta.url))],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    legalComments: 'none',
  });
  const code = result.outputFiles[0]?.text ?? '';
  mkdirSync(new URL('../dist/browser/', import.meta.url), { recursive: true });
  writeFileSync(browserBundleFile, code);
  return { bytes: Buffer.byteLength(code), gzipBytes: gzipSync(code, { level: 9 }).length, code };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { bytes, gzipBytes } = await buildBrowserBundle();
  console.log(`@wetty/client browser bundle: ${(bytes / 1024).toFixed(1)} KiB minified, ${(gzipBytes / 1024).toFixed(1)} KiB minified + gzip (${browserBundleFile})`);
}
