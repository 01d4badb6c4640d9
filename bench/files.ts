import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createFsStorage } from '../shared/storage/fs-storage.ts';
import { createS3Storage } from '../shared/storage/s3-storage.ts';
import type { FileStorage } from '../shared/storage/storage.ts';
import { S3RVER_CREDENTIALS } from '../test/support/s3-server.ts';
import { processUsage } from './lib/stats.ts';
import { startBenchSystem } from './lib/system.ts';

// `npm run bench:files [-- --mb 1024]`: uploads (octet-stream and multipart) and downloads one file
// through a real api process (started by the supervisor, no workers or realtime nodes) with each
// storage driver, and compares with the same bytes moved without the api. Reports MB/s and the api
// process's peak RSS growth (VmRSS from /proc, sampled every 20 ms).
const mbFlag = process.argv.indexOf('--mb');
const mb = mbFlag === -1 ? 1024 : Number(process.argv[mbFlag + 1]);
if (!Number.isInteger(mb) || mb < 1) throw new Error('--mb takes a whole number of MiB');
const size = mb * 1024 * 1024;
const MB = 1e6;
const work = await mkdtemp(path.join(tmpdir(), 'wetty-bench-'));
const children: ChildProcess[] = [];

interface Row { driver: string; operation: string; seconds: number; rssGrowthMiB: number; baseline: number }
const rows: Row[] = [];

try {
  const source = path.join(work, 'source.bin');
  const sourceSha = await writeSource(source);

  for (const driver of ['fs', 's3'] as const) {
    const storageDir = path.join(work, driver);
    const s3Port = driver === 's3' ? await startS3(storageDir) : 0;
    const s3 = { endPoint: '127.0.0.1', port: s3Port, useSSL: false, ...S3RVER_CREDENTIALS, bucket: 'wetty-bench', region: 'us-east-1' };
    const direct: FileStorage = driver === 's3' ? createS3Storage(s3) : createFsStorage(path.join(storageDir, 'direct'));
    await direct.init();

    const [apiPort, opsPort] = await twoFreePorts();
    const system = await startBenchSystem({
      API_PORT: String(apiPort),
      API_OPS_PORT: String(opsPort),
      SUPERVISOR_WORKERS: '0',
      SUPERVISOR_REALTIME_NODES: '0',
      ...(driver === 's3'
        ? { FILE_STORAGE: 's3', S3_PORT: String(s3Port), S3_ACCESS_KEY: s3.accessKey, S3_SECRET_KEY: s3.secretKey, S3_BUCKET: s3.bucket }
        : { FILE_STORAGE: 'fs', FILE_DIR: path.join(storageDir, 'api') }),
    });
    children.push(system.supervisor);
    const baseUrl = system.apiUrl;
    const apiPid = (await system.roles()).find((r) => r.role === 'api')?.pid as number;
    const token = await signIn(baseUrl);
    await upload(baseUrl, token, Readable.from([randomBytes(1024 * 1024)]), 1024 * 1024); // warm up

    // Each operation right after the same bytes moved without the api, so both see the same disk state
    // (this VM's disk slows down as gigabytes go through it).
    const rawCopy = async () => {
      const seconds = await timed(() => direct.put('baseline/copy', createReadStream(source), size));
      await direct.delete('baseline/copy');
      return seconds;
    };
    const rawRead = async () => {
      await direct.put('baseline/read', createReadStream(source), size);
      const seconds = await timed(async () => pipeline(await direct.get('baseline/read'), sink()));
      await direct.delete('baseline/read');
      return seconds;
    };
    const pair = async (operation: string, raw: () => Promise<number>, work: () => Promise<unknown>) => {
      const baseline = await raw();
      rows.push({ driver, operation, baseline, ...(await withPeakRss(apiPid, work)) });
    };

    let fid = '';
    await pair('upload, octet-stream', rawCopy, async () => (fid = await upload(baseUrl, token, createReadStream(source), size, sourceSha)));
    await pair('download', rawRead, () => download(baseUrl, token, fid));
    await pair('upload, multipart', rawCopy, () => upload(baseUrl, token, createReadStream(source), size, sourceSha, 'multipart'));

    await system.stop();
    await rm(storageDir, { recursive: true, force: true });
  }
  printTable();
} finally {
  await Promise.all(children.map(stopChild));
  await rm(work, { recursive: true, force: true });
}

async function writeSource(file: string): Promise<string> {
  const block = randomBytes(1024 * 1024);
  const hash = createHash('sha256');
  await pipeline(Readable.from((function* () {
    for (let i = 0; i < mb; i++) { hash.update(block); yield block; }
  })()), createWriteStream(file));
  return hash.digest('hex');
}

/**
 * Two distinct free ports below the ephemeral range: a port the OS hands out for `listen(0)` can be
 * taken by an outgoing connection before the api binds it when other load runs on the machine.
 */
async function twoFreePorts(): Promise<[number, number]> {
  const ports: number[] = [];
  while (ports.length < 2) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (!ports.includes(port) && (await canListen(port))) ports.push(port);
  }
  return ports as [number, number];
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer().once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function startS3(dir: string): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/s3-server.ts', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const line = await new Promise<string>((resolve) => child.stdout?.once('data', (chunk: Buffer) => resolve(chunk.toString())));
  return (JSON.parse(line) as { port: number }).port;
}

async function signIn(baseUrl: string): Promise<string> {
  const credentials = { username: `bench_${randomBytes(4).toString('hex')}`, password: 'bench-password' };
  const post = (p: string, body: unknown) => fetch(baseUrl + p, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  await post('/users/auth/register', credentials);
  return ((await (await post('/users/auth/login', { ...credentials, client_type: 'web' })).json()) as { token: string }).token;
}

/** Streams `body` to the api; resolves with the fid once the api answered 201 with the right hash. */
function upload(baseUrl: string, token: string, body: Readable, length: number, sha256?: string, kind: 'octet' | 'multipart' = 'octet'): Promise<string> {
  const boundary = 'wettybench';
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="bench.bin"\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const multipart = kind === 'multipart';
  return new Promise((resolve, reject) => {
    const req = http.request(`${baseUrl}/fserv/upload?name=bench.bin`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': multipart ? `multipart/form-data; boundary=${boundary}` : 'application/octet-stream',
        'content-length': multipart ? head.length + length + tail.length : length,
      },
    }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => {
        const answer = JSON.parse(text) as { fid?: string; sha256?: string };
        if (res.statusCode !== 201 || (sha256 && answer.sha256 !== sha256)) reject(new Error(`upload answered ${res.statusCode}: ${text}`));
        else resolve(answer.fid as string);
      });
    });
    req.on('error', reject);
    body.on('error', reject);
    if (multipart) req.write(head);
    body.pipe(req, { end: false });
    body.on('end', () => req.end(multipart ? tail : undefined));
  });
}

function download(baseUrl: string, token: string, fid: string): Promise<void> {
  return new Promise((resolve, reject) => {
    http.get(`${baseUrl}/f/fserv/download/${fid}`, { headers: { authorization: `Bearer ${token}` } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`download answered ${res.statusCode}`));
      let received = 0;
      res.on('data', (chunk: Buffer) => (received += chunk.length));
      res.on('end', () => (received === size ? resolve() : reject(new Error(`downloaded ${received} of ${size} bytes`))));
      res.on('error', reject);
    }).on('error', reject);
  });
}

async function withPeakRss(pid: number, work: () => Promise<unknown>): Promise<{ seconds: number; rssGrowthMiB: number }> {
  const rss = async () => (await processUsage(pid))?.rssMiB ?? 0;
  const before = await rss();
  let peak = before;
  const sampler = setInterval(() => void rss().then((v) => (peak = Math.max(peak, v))), 20);
  try {
    const seconds = await timed(work);
    return { seconds, rssGrowthMiB: Math.max(peak, await rss()) - before };
  } finally {
    clearInterval(sampler);
  }
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
}

function sink(): Writable {
  return new Writable({ write: (_chunk, _encoding, done) => done() });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

function printTable(): void {
  const fileMb = size / MB;
  console.log(`\nfile: ${mb} MiB (${fileMb.toFixed(0)} MB). raw = the same bytes into or out of the same storage without the api, measured just before.`);
  console.log('RSS growth = the api process\'s peak VmRSS during the operation minus VmRSS before it.\n');
  console.log('| driver | operation | api MB/s | raw MB/s | api / raw | api RSS growth (MiB) |');
  console.log('| --- | --- | ---: | ---: | ---: | ---: |');
  for (const row of rows) {
    const api = fileMb / row.seconds;
    const raw = fileMb / row.baseline;
    console.log(`| ${row.driver} | ${row.operation} | ${api.toFixed(0)} | ${raw.toFixed(0)} | ${Math.round((100 * api) / raw)}% | ${row.rssGrowthMiB.toFixed(1)} |`);
  }
}
