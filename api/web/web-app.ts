import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Context, Middleware } from 'koa';
import type { Config } from '../../shared/config.ts';
import type { ApiState } from '../http/context.ts';

/** Where `vite build` writes Wetty Web (the supervisor builds it when missing or stale). */
export const WEB_APP_DIR = fileURLToPath(new URL('../../web/dist/', import.meta.url));

/**
 * Paths of the app. None is an API path: the app's own routes live under `/app/`, its hashed
 * files under `/assets/`, and a few fixed files (icons) at the root.
 */
const APP_ROUTE = /^\/(?:app(?:\/.*)?)?$/;
const ASSET = /^\/assets\/[A-Za-z0-9._-]+$/;
const ROOT_FILE = /^\/[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*\.(?:svg|ico|png|webmanifest)$/;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.svg', '.json', '.webmanifest']);

/**
 * The page may talk to its own origin only (REST, and the WebSocket on any port of a host it
 * names); it embeds nothing from elsewhere and cannot be framed.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "connect-src 'self' ws: wss:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * What the page needs to know of this deployment, as <meta> tags in index.html: how long a sender
 * may recall and edit a message. (The WebSocket is this origin's WS_PATH: the api forwards it.)
 */
export function pageSettings(config: Pick<Config, 'messages'>): (ctx: Context) => Record<string, string> {
  return () => ({
    'wetty-recall-window-seconds': String(config.messages.recallWindowSeconds),
    'wetty-edit-window-seconds': String(config.messages.editWindowSeconds),
  });
}

const escapeAttribute = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/**
 * Serves the built web app from `dir`: `index.html` for `/` and every client route (`/app/…`,
 * never cached, so a new build is picked up at once), hashed files under `/assets/` cached for a
 * year (their names change with their content), gzip when the browser takes it. Anything else
 * passes to the API; a missing build answers 503 on the app's paths with how to build it.
 */
export function webApp(options: { dir?: string; settings?: (ctx: Context) => Record<string, string> } = {}): Middleware<ApiState> {
  const dir = options.dir ?? WEB_APP_DIR;
  const gzipCache = new Map<string, { mtimeMs: number; body: Buffer }>();

  return async (ctx, next) => {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
    const isRoute = APP_ROUTE.test(ctx.path);
    const isAsset = ASSET.test(ctx.path);
    if (!isRoute && !isAsset && !ROOT_FILE.test(ctx.path)) return next();

    const file = path.join(dir, isRoute ? 'index.html' : ctx.path.slice(1));
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) {
      if (!isRoute) return next();
      ctx.status = 503;
      ctx.type = 'text/plain; charset=utf-8';
      ctx.body = 'Wetty Web is not built yet: run `npm run build:web` (or restart `npm start`, which builds it).\n';
      return;
    }

    const ext = path.extname(file);
    ctx.type = CONTENT_TYPES[ext] ?? 'application/octet-stream';
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Cache-Control', isAsset ? 'public, max-age=31536000, immutable' : 'no-cache');
    if (isRoute) {
      ctx.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
      ctx.set('Referrer-Policy', 'no-referrer');
      ctx.set('X-Frame-Options', 'DENY');
    }
    ctx.vary('Accept-Encoding');
    ctx.status = 200; // `fresh` compares validators only on a 2xx
    if (isRoute) {
      // The page carries this deployment's settings, so it is built per request and never cached.
      const meta = Object.entries(options.settings?.(ctx) ?? {})
        .map(([name, content]) => `<meta name="${escapeAttribute(name)}" content="${escapeAttribute(content)}" />`)
        .join('');
      const html = Buffer.from((await readFile(file, 'utf8')).replace('</head>', `${meta}</head>`));
      if (ctx.acceptsEncodings('gzip', 'identity') === 'gzip') {
        ctx.set('Content-Encoding', 'gzip');
        ctx.body = gzipSync(html);
      } else ctx.body = html;
      return;
    }
    ctx.lastModified = info.mtime;
    ctx.etag = `"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
    if (ctx.fresh) {
      ctx.status = 304;
      return;
    }

    if (COMPRESSIBLE.has(ext) && ctx.acceptsEncodings('gzip', 'identity') === 'gzip') {
      let cached = gzipCache.get(file);
      if (!cached || cached.mtimeMs !== info.mtimeMs) {
        cached = { mtimeMs: info.mtimeMs, body: gzipSync(await readFile(file), { level: 9 }) };
        gzipCache.set(file, cached);
      }
      ctx.set('Content-Encoding', 'gzip');
      ctx.body = cached.body;
      return;
    }
    ctx.length = info.size;
    if (ctx.method === 'GET') ctx.body = createReadStream(file);
  };
}
