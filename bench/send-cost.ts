import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { BenchApi } from './lib/api-client.ts';
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
  const client = new BenchApi(system.apiUrl, concurrency);
  process.stdout.write(`setting up ${pairs} direct chats… `);
  const chats = (await client.directChats('cost', pairs)).map((c) => ({ token: c.sender.token, chatId: c.chatId }));
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
      const res = await client.request('POST', `/chats/${chat.chatId}/messages`, { token: chat.token, body: { client_generated_id: `c${n}-${randomBytes(4).toString('hex')}`, message_type: 'text', message: `cost message ${n}` } });
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
  client.close();
} finally {
  await system.stop();
}
