import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { parseArgs } from 'node:util';
import { startBenchSystem } from './lib/system.ts';
import { processUsage, summarize } from './lib/stats.ts';

/**
 * CPU per durable send of each role (api, workers, realtime), measured on a machine that others
 * share: instead of offering a fixed rate (which a busy machine cannot keep, so the cost per send
 * comes out of a backlog), keeps `--concurrency` sends in flight over `--pairs` direct chats and
 * divides each role's CPU seconds by the sends answered. Reports the rate reached too, which does
 * depend on what else runs. PostgreSQL and Redis are left out: on a shared machine their processes
 * serve others as well.
 *
 *   npm run bench:send-cost -- --sends 20000 --concurrency 128
 */
const { values: args } = parseArgs({
  options: {
    sends: { type: 'string', default: '20000' },
    warmup: { type: 'string', default: '3000' },
    concurrency: { type: 'string', default: '128' },
    pairs: { type: 'string', default: '200' },
  },
});
const total = Number(args.sends);
const warmup = Number(args.warmup);
const concurrency = Number(args.concurrency);
const pairs = Number(args.pairs);

const system = await startBenchSystem();
try {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const api = (method: string, path: string, token?: string, body?: unknown) =>
    new Promise<{ status: number; body: any }>((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = http.request(system.apiUrl + path, {
        method,
        agent,
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...(payload ? { 'content-length': Buffer.byteLength(payload) } : {}) },
      });
      req.on('response', (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text.startsWith('{') ? JSON.parse(text) : null }));
      });
      req.on('error', reject);
      req.end(payload);
    });
  const user = async (i: number) => {
    const username = `cost_${i}_${randomBytes(3).toString('hex')}`;
    const { body } = await api('POST', '/users/auth/register', undefined, { username, password: 'bench-password' });
    const login = await api('POST', '/users/auth/login', undefined, { username, password: 'bench-password', client_type: 'mobile' });
    return { uid: body.uid as string, token: login.body.token as string };
  };
  process.stdout.write(`setting up ${pairs} direct chats… `);
  const chats: { token: string; chatId: string }[] = [];
  for (let i = 0; i < pairs; i += 10) {
    chats.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(10, pairs - i) }, async (_, k) => {
          const [sender, receiver] = [await user(2 * (i + k)), await user(2 * (i + k) + 1)];
          await api('PUT', '/users/profile', receiver.token, { add_friend_setting: 'anyone' });
          const applied = await api('POST', '/friend/apply', sender.token, { target_user_id: receiver.uid });
          return { token: sender.token, chatId: applied.body.chat_id as string };
        }),
      )),
    );
  }
  console.log('done');
  const roles = await system.roles();
  const cpuOf = async () => new Map(await Promise.all(roles.map(async (r) => [r.role, (await processUsage(r.pid))?.cpuSeconds ?? 0] as const)));

  const statuses = new Map<number, number>();
  const latencies: number[] = [];
  let issued = 0;
  let before: Map<string, number> | null = null;
  let startedAt = 0;
  const worker = async () => {
    while (issued < warmup + total) {
      const n = issued++;
      if (n === warmup) {
        before = await cpuOf();
        startedAt = performance.now();
      }
      const chat = chats[n % chats.length] as (typeof chats)[number];
      const t0 = performance.now();
      const res = await api('POST', `/chats/${chat.chatId}/messages`, chat.token, { client_generated_id: `c${n}-${randomBytes(4).toString('hex')}`, message_type: 'text', message: `cost message ${n}` });
      if (n >= warmup) {
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        latencies.push(performance.now() - t0);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const after = await cpuOf();
  const seconds = (performance.now() - startedAt) / 1000;
  const perSend = Object.fromEntries([...after].map(([role, cpu]) => [role, Math.round(((cpu - (before?.get(role) ?? 0)) * 1000 * 1000) / total) / 1000]));
  const result = {
    date: new Date().toISOString(),
    command: `npm run bench:send-cost -- ${process.argv.slice(2).join(' ')}`.trim(),
    sends: total,
    concurrency,
    http_status: Object.fromEntries(statuses),
    sends_per_s: Math.round(total / seconds),
    http_ms: summarize(latencies),
    core_ms_per_send: { ...perSend, roles: Math.round(Object.values(perSend).reduce((a, b) => a + b, 0) * 1000) / 1000 },
  };
  console.log(JSON.stringify(result, null, 2));
  agent.destroy();
} finally {
  await system.stop();
}
