import preact from '@preact/preset-vite';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The app is served by the api at `/` (assets under /assets/, hashed, cached for a year).
// `@wetty/client` is compiled from its sources, so the app never depends on a stale SDK build.
export default defineConfig({
  plugins: [preact()],
  base: '/',
  resolve: {
    alias: {
      '@wetty/client': fileURLToPath(new URL('../client/src/index.ts', import.meta.url)),
      // CommonMark's entity decoding, by the browser instead of a 100 KB table.
      entities: fileURLToPath(new URL('./src/lib/html-entities.ts', import.meta.url)),
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: true,
  },
  server: {
    // `npm run dev -w web`: the api on :3000 answers the app's requests.
    proxy: {
      '^/(users|friend|group|chats|fserv|f/fserv)(/|$)': 'http://127.0.0.1:3000',
      '/ws/chats': { target: 'ws://127.0.0.1:3001', ws: true },
    },
  },
});
