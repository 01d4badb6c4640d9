import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../shared/logger.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const WEB = path.join(ROOT, 'web');
const DIST = path.join(WEB, 'dist');
const STAMP = '.source-hash';
const VITE = path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
/** What the built app is made of: the app, the SDK it compiles in, and the locked tool versions. */
const SOURCES = ['web/src', 'web/public', 'web/index.html', 'web/vite.config.ts', 'web/package.json', 'client/src', 'client/package.json', 'package-lock.json'];

export type WebBuildOutcome = 'fresh' | 'built' | 'no-build-tools' | 'failed';

/**
 * Builds Wetty Web into web/dist when it is missing or was built from other sources (a hash of
 * every source file is kept beside the build), so `npm ci && npm start` on a fresh clone, and a
 * start after a pull, serve the current app. The build goes to a temporary directory first and
 * replaces web/dist in one rename. Without the build tools (a production image installed with
 * --omit=dev that ships its own web/dist) an existing build is served as is.
 */
export async function ensureWebApp(log: Logger): Promise<WebBuildOutcome> {
  const hash = await sourceHash();
  const built = await readFile(path.join(DIST, STAMP), 'utf8').catch(() => null);
  if (built === hash) return 'fresh';
  if (!existsSync(VITE)) {
    if (existsSync(path.join(DIST, 'index.html'))) return 'fresh';
    log.warn('web/dist is missing and vite is not installed: the api serves no web app');
    return 'no-build-tools';
  }

  const started = performance.now();
  log.info({ reason: built === null ? 'missing' : 'sources changed' }, 'building the web app');
  const tmp = `${DIST}.tmp-${process.pid}`;
  const code = await run(process.execPath, [VITE, 'build', '--logLevel', 'warn', '--outDir', tmp, '--emptyOutDir'], WEB, log);
  if (code !== 0) {
    await rm(tmp, { recursive: true, force: true });
    log.error({ code }, 'the web app did not build; the api serves the previous build, if any');
    return 'failed';
  }
  await writeFile(path.join(tmp, STAMP), hash);
  const old = `${DIST}.old-${process.pid}`;
  if (existsSync(DIST)) await rename(DIST, old);
  await rename(tmp, DIST);
  await rm(old, { recursive: true, force: true });
  log.info({ ms: Math.round(performance.now() - started) }, 'web app built');
  return 'built';
}

async function sourceHash(): Promise<string> {
  const hash = createHash('sha256');
  for (const source of SOURCES) {
    for (const file of await listFiles(path.join(ROOT, source))) {
      hash.update(path.relative(ROOT, file)).update('\0').update(await readFile(file)).update('\0');
    }
  }
  return hash.digest('hex');
}

async function listFiles(target: string): Promise<string[]> {
  const entries = await readdir(target, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOTDIR') return null; // a file
    if (err.code === 'ENOENT') return [];
    throw err;
  });
  if (entries === null) return [target];
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(target, entry.name);
    if (entry.isDirectory()) files.push(...(await listFiles(full)));
    else if (entry.isFile()) files.push(full);
  }
  return files;
}

function run(command: string, args: string[], cwd: string, log: Logger): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', (err) => {
      log.error({ err }, 'could not run vite');
      resolve(null);
    });
    child.once('exit', (code) => {
      if (code !== 0 && output) log.error({ output: output.slice(-4000) }, 'vite build output');
      resolve(code);
    });
  });
}
