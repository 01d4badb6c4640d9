import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/**
 * Real headless Chromium for browser tests: Debian's /usr/bin/chromium driven by playwright-core
 * (Playwright's own browser downloads do not work here). `.ci/run` installs it when missing.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  // Without these, Chromium floods a closed network with refused connections.
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

export interface PageLog {
  /** Console lines and uncaught page errors, in order, to explain a failure. */
  lines: string[];
}

/** A fresh context (own storage, cookies, cache) and one page in it, with its console recorded. */
export async function newBrowserPage(browser: Browser, url?: string): Promise<{ context: BrowserContext; page: Page; log: PageLog }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const log: PageLog = { lines: [] };
  page.on('console', (message) => log.lines.push(`${message.type()}: ${message.text()}`));
  page.on('pageerror', (err) => log.lines.push(`pageerror: ${err.message}`));
  if (url) await page.goto(url);
  return { context, page, log };
}

export type StaticFiles = Record<string, { type: string; body: string | Buffer }>;

export interface StaticSite {
  /** `http://127.0.0.1:<port>`: the origin of the pages served. */
  origin: string;
  close(): Promise<void>;
}

/**
 * Serves fixed files (by URL path, query ignored) on 127.0.0.1 at `port` (0: any free port): a page
 * origin of its own, distinct from the api's. Anything else is 404.
 */
export async function serveStatic(files: StaticFiles, port = 0): Promise<StaticSite> {
  const server = http.createServer((req, res) => {
    const file = files[(req.url ?? '/').split('?')[0] ?? '/'];
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' }).end(file.body);
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Reads files of a directory into `StaticFiles` (`/name` → contents), with types by extension. */
export async function staticFilesFrom(dir: string, names: string[]): Promise<StaticFiles> {
  const types: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.png': 'image/png', '.svg': 'image/svg+xml' };
  const entries = await Promise.all(
    names.map(async (name) => [`/${name}`, { type: types[path.extname(name)] ?? 'application/octet-stream', body: await readFile(path.join(dir, name)) }] as const),
  );
  return Object.fromEntries(entries);
}
