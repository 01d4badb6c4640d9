import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { BenchApi } from './lib/api-client.ts';
import { startBenchSystem } from './lib/system.ts';
import { processUsage, roleSyscalls, summarize, syscallsPerSend, type RoleSyscalls } from './lib/stats.ts';
import { roundTripCounters, type RoundTripCounters } from './lib/round-trips.ts';

/**
 * CPU per durable send of each role (api, workers, realtime), measured on a machine that others
 * share: instead of offering a fixed rate (which a busy machine cannot keep, so the cost per send
 * comes out of a backlog), keeps `--concurrency` sends in flight over `--pairs` direct chats and
 * divides each role's CPU seconds by the sends answered. Reports the rate reached too, which does
 * depend on what else runs. PostgreSQL and Redis CPU are left out: on a shared machine their
 * processes serve others as well. What no other load disturbs is counted too: each role's socket
 * system calls per send (one or more per round trip), the bench database's transactions per send,
 * and Redis commands per send (the whole server's, so run it while nothing else uses that Redis).
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
  const syscallsOf = () => roleSyscalls(roles);
  const counters = await roundTripCounters(system.env.DATABASE_URL as string, system.env.REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');

  const statuses = new Map<number, number>();
  const latencies: number[] = [];
  let issued = 0;
  let before: Map<string, number> | null = null;
  let syscallsBefore: RoleSyscalls | null = null;
  let countersBefore: RoundTripCounters | null = null;
  let startedAt = 0;
  const worker = async () => {
    while (issued < warmup + total) {
      const n = issued++;
      if (n === warmup) {
        [before, syscallsBefore, countersBefore] = await Promise.all([cpuOf(), syscallsOf(), counters.read()]);
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
  const [after, syscallsAfter, countersAfter] = await Promise.all([cpuOf(), syscallsOf(), counters.read()]);
  await counters.close();
  // Set by the sender that crossed the warm-up (which TypeScript cannot see from here).
  const countersAtStart = countersBefore as RoundTripCounters | null;
  const perSendOf = (n: number) => Math.round((n * 100) / total) / 100;
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
    syscalls_per_send: syscallsPerSend((syscallsBefore as RoleSyscalls | null) ?? new Map(), syscallsAfter, total),
    round_trips_per_send: countersAtStart && {
      postgres_transactions: perSendOf(countersAfter.transactions - countersAtStart.transactions),
      redis_commands: perSendOf(countersAfter.redisCommands - countersAtStart.redisCommands),
    },
  };
  console.log(JSON.stringify(result, null, 2));
  client.close();
} finally {
  await system.stop();
}
