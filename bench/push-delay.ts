import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { cpus, loadavg, totalmem } from 'node:os';
import { mkdir, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { browserSubscription, startWebPushService } from '../test/support/push-services.ts';
import { startBenchSystem } from './lib/system.ts';
import { summarize } from './lib/stats.ts';

/**
 * Push delay for offline users: from a message's commit to its Web Push arriving at a push service
 * on loopback (the same local service the tests decrypt pushes with). `--users` pairs of friends; the
 * receivers have a Web Push device and no socket. Each round, every sender sends one message at
 * once; the next round starts once every push arrived and a `PUSH_DELAY_MS` window passed, so each
 * push carries one message (no collapsing). The push is decrypted and matched to its message by
 * `msg_id`; the delay is its arrival minus the message's `created_at` (stamped by PostgreSQL in the
 * storing transaction). `PUSH_DELAY_MS` is part of it and is printed beside it; `--delay` sets it.
 *
 *   npm run bench:push -- --users 50 --rounds 10 --delay 100
 */
const { values: args } = parseArgs({
  options: {
    users: { type: 'string', default: '50' },
    rounds: { type: 'string', default: '10' },
    delay: { type: 'string', default: '100' },
  },
});
const users = Number(args.users);
const rounds = Number(args.rounds);
const delayMs = Number(args.delay);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const freePort = () =>
  new Promise<number>((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });

const loadBefore = Math.round(loadavg()[0]! * 10) / 10;
const service = await startWebPushService();

/** Where the time went, from the push queue's finished jobs: late start of the delayed job, its run, the delivery's wait and run. */
async function jobStages(prefix: string) {
  const connection = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
  const queue = new Queue('push', { connection, prefix: `${prefix}:bull` });
  try {
    const jobs = (await queue.getJobs(['completed'])).filter((j) => j.finishedOn && j.processedOn);
    const of = (name: string, measure: (j: (typeof jobs)[number]) => number) => summarize(jobs.filter((j) => j.name === name).map(measure));
    return {
      chat_job_started_late: of('push-chat', (j) => (j.processedOn as number) - j.timestamp - (j.opts.delay ?? 0)),
      chat_job_run: of('push-chat', (j) => (j.finishedOn as number) - (j.processedOn as number)),
      delivery_wait: of('push-deliver', (j) => (j.processedOn as number) - j.timestamp),
      delivery_run: of('push-deliver', (j) => (j.finishedOn as number) - (j.processedOn as number)),
    };
  } finally {
    await queue.close();
    connection.disconnect();
  }
}
const opsBase = 20_000 + Math.floor(Math.random() * 10_000);
const system = await startBenchSystem({
  PUSH_DELAY_MS: String(delayMs),
  WEBPUSH_ALLOW_HTTP: 'true',
  API_PORT: process.env.API_PORT ?? String(await freePort()),
  WS_PORT: process.env.WS_PORT ?? String(await freePort()),
  API_OPS_PORT: String(await freePort()),
  REALTIME_OPS_PORT: process.env.REALTIME_OPS_PORT ?? String(opsBase),
  WORKER_OPS_PORT: process.env.WORKER_OPS_PORT ?? String(opsBase + 100),
  FRIEND_REQUESTS_PER_DAY: '1000000',
});
try {
  const call = async (method: string, path: string, token: string | null, body?: unknown) => {
    const res = await fetch(system.apiUrl + path, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
    return (text ? JSON.parse(text) : {}) as Record<string, any>;
  };
  const signUp = async () => {
    const username = `push_${randomBytes(5).toString('hex')}`;
    const password = 'bench-password';
    await call('POST', '/users/auth/register', null, { username, password });
    return (await call('POST', '/users/auth/login', null, { username, password, client_type: 'mobile' })) as { token: string; uid: string };
  };

  const pairs: { sender: { token: string; uid: string }; chatId: string; browser: ReturnType<typeof browserSubscription>; path: string }[] = [];
  for (let i = 0; i < users; i++) {
    const [sender, receiver] = [await signUp(), await signUp()];
    const applied = await call('POST', '/friend/apply', sender.token, { target_user_id: receiver.uid });
    const accepted = await call('POST', `/friend/requests/${applied.request_id}/accept`, receiver.token);
    const browser = browserSubscription(`${service.url}/push/${randomBytes(8).toString('hex')}`);
    await call('POST', '/users/push/subscriptions', receiver.token, { kind: 'webpush', endpoint: browser.endpoint, keys: browser.keys });
    pairs.push({ sender, chatId: accepted.chat_id as string, browser, path: new URL(browser.endpoint).pathname });
  }
  const byPath = new Map(pairs.map((p) => [p.path, p]));
  // The friend requests of the setup were pushed too: wait them out, then count only message pushes.
  await sleep(delayMs + 2000);

  const committedAt = new Map<string, number>();
  const delays: number[] = [];
  const messagePushes = new Map<string, { msgId: string; at: number }[]>(pairs.map((p) => [p.path, []]));
  let seen = service.received.length;
  const collect = () => {
    for (; seen < service.received.length; seen++) {
      const push = service.received[seen]!;
      const pair = byPath.get(push.path);
      if (!pair) continue;
      const payload = pair.browser.decrypt(push.body) as { type: string; msg_id: string };
      if (payload.type === 'messages') messagePushes.get(push.path)!.push({ msgId: payload.msg_id, at: push.at });
    }
  };
  const wallStart = Date.now();
  for (let round = 0; round < rounds; round++) {
    await Promise.all(
      pairs.map(async (p) => {
        const res = await call('POST', `/chats/${p.chatId}/messages`, p.sender.token, { client_generated_id: randomBytes(8).toString('hex'), message: `round ${round}`, message_type: 'text' });
        // 202 (the worker answered late): the stored message is read back below.
        if (res.id) committedAt.set(res.id, Date.parse(res.created_at));
      }),
    );
    const deadline = Date.now() + 60_000 + delayMs;
    const arrived = () => pairs.every((p) => messagePushes.get(p.path)!.length > round);
    while (!arrived() && Date.now() < deadline) {
      collect();
      await sleep(5);
    }
    if (!arrived()) throw new Error(`round ${round}: ${pairs.filter((p) => messagePushes.get(p.path)!.length <= round).length} of ${pairs.length} pushes did not arrive within 60 s`);
    for (const p of pairs) {
      const push = messagePushes.get(p.path)![round]!;
      if (!committedAt.has(push.msgId)) {
        const newest = (await call('GET', `/chats/${p.chatId}/messages?max=1`, p.sender.token)).messages[0] as { id: string; created_at: string };
        committedAt.set(newest.id, Date.parse(newest.created_at));
      }
      delays.push(push.at - (committedAt.get(push.msgId) as number));
    }
    await sleep(delayMs + 50);
  }
  const wallSeconds = (Date.now() - wallStart) / 1000;
  const stages = await jobStages(system.env.REDIS_PREFIX as string);
  const total = summarize(delays);
  const overhead = summarize(delays.map((d) => d - delayMs));
  const result = {
    at: new Date().toISOString(),
    machine: `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${Math.round(totalmem() / 1024 ** 3)} GiB`,
    load_average_1m: { before: loadBefore, after: Math.round(loadavg()[0]! * 10) / 10 },
    conditions: { users, rounds, push_delay_ms: delayMs, workers: 1, realtime_nodes: 1, pushes: delays.length, wall_seconds: Math.round(wallSeconds) },
    commit_to_push_ms: total,
    beyond_push_delay_ms: overhead,
    stages_ms: stages,
  };
  console.log(JSON.stringify(result, null, 2));
  console.log(`\ncommit → push service, PUSH_DELAY_MS=${delayMs}: p50 ${total.p50} ms, p99 ${total.p99} ms, max ${total.max} ms (${delays.length} pushes)`);
  console.log(`beyond PUSH_DELAY_MS: p50 ${overhead.p50} ms, p99 ${overhead.p99} ms`);
  await mkdir('bench/results', { recursive: true });
  await writeFile(`bench/results/push-${result.at.replace(/[:.]/g, '-')}.json`, `${JSON.stringify(result, null, 2)}\n`);
} finally {
  await system.stop();
  await service.close();
}
