import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { BenchApi, type ApiAnswer } from './lib/api-client.ts';
import { processUsage } from './lib/stats.ts';
import { startBenchSystem } from './lib/system.ts';

/**
 * The api process's CPU per request, by kind of request, at one fixed rate: what the HTTP stack and
 * the middleware every request meets cost (`GET /healthz`), what signing in adds (an authenticated
 * request to a path no route has: 404), a read that asks PostgreSQL (`GET /users/profile`), and a
 * durable send (`POST /chats/{id}/messages`, answered once stored). Each kind is offered `--rate`
 * requests a second for `--duration` seconds, `--rounds` times in turn; the api's CPU seconds
 * (from /proc) over the requests answered. The difference between two rows is what the second
 * adds to the first. Nothing else should run meanwhile.
 *
 *   npm run bench:api-cost -- --rate 1000 --duration 15 --rounds 2
 */
const { values: args } = parseArgs({
  options: {
    rate: { type: 'string', default: '1000' },
    duration: { type: 'string', default: '15' },
    rounds: { type: 'string', default: '2' },
    pairs: { type: 'string', default: '100' },
  },
});
const [rate, durationS, rounds, pairs] = [args.rate, args.duration, args.rounds, args.pairs].map(Number) as [number, number, number, number];
if (![rate, durationS, rounds, pairs].every((n) => Number.isInteger(n) && n > 0)) throw new Error('--rate, --duration, --rounds and --pairs must be whole numbers above 0');

const system = await startBenchSystem();
try {
  const client = new BenchApi(system.apiUrl, 64);
  process.stdout.write(`setting up ${pairs} direct chats… `);
  const chats = await client.directChats('apicost', pairs);
  console.log('done');
  const api = (await system.roles()).find((r) => r.role === 'api');
  if (!api) throw new Error('no api process found');
  const caller = chats[0]?.sender;
  if (!caller) throw new Error('no chats were set up');

  const kinds: { name: string; request(i: number): Promise<ApiAnswer>; expect: number[] }[] = [
    { name: 'GET /healthz', request: () => client.request('GET', '/healthz'), expect: [200] },
    { name: 'signed-in 404', request: () => client.request('GET', '/no/such/route', { token: caller.token }), expect: [404] },
    { name: 'GET /users/profile', request: () => client.request('GET', '/users/profile', { token: caller.token }), expect: [200] },
    {
      name: 'POST /chats/{id}/messages',
      request: (i) => {
        const chat = chats[i % chats.length] as (typeof chats)[number];
        return client.request('POST', `/chats/${chat.chatId}/messages`, { token: chat.sender.token, body: { client_generated_id: randomUUID(), message_type: 'text', message: `api cost ${i}` } });
      },
      expect: [201, 202],
    },
  ];

  /** Offers `rate` requests a second for the duration; answers the api's CPU ms per request. */
  async function offer(kind: (typeof kinds)[number]): Promise<{ cpuMsPerRequest: number; achieved: number; unexpected: number; sample: string }> {
    const total = Math.round(rate * durationS);
    const answers: Promise<ApiAnswer>[] = [];
    const before = await processUsage(api!.pid);
    const started = Date.now();
    await new Promise<void>((done) => {
      const tick = () => {
        const due = Math.min(total, Math.floor(((Date.now() - started) / 1000) * rate));
        while (answers.length < due) answers.push(kind.request(answers.length));
        if (answers.length < total) setTimeout(tick, 2);
        else done();
      };
      tick();
    });
    const settled = await Promise.all(answers.map((a) => a.then((r) => r, (err: unknown) => ({ status: 0, body: String(err) }))));
    const statuses = settled.map((r) => r.status);
    const elapsedS = (Date.now() - started) / 1000;
    const after = await processUsage(api!.pid);
    if (!before || !after) throw new Error('the api process went away');
    return {
      cpuMsPerRequest: ((after.cpuSeconds - before.cpuSeconds) * 1000) / total,
      achieved: Math.round(total / elapsedS),
      unexpected: statuses.filter((s) => !kind.expect.includes(s)).length,
      sample: JSON.stringify(settled.find((r) => !kind.expect.includes(r.status)) ?? null).slice(0, 300),
    };
  }

  // An uncounted first pass warms the JIT and the connection pools.
  for (const kind of kinds) await offer(kind);
  const results = new Map<string, number[]>(kinds.map((k) => [k.name, []]));
  for (let round = 1; round <= rounds; round++) {
    for (const kind of kinds) {
      const r = await offer(kind);
      if (r.unexpected > 0) throw new Error(`${kind.name}: ${r.unexpected} answers other than ${kind.expect.join('/')} — for example ${r.sample}`);
      results.get(kind.name)?.push(r.cpuMsPerRequest);
      console.log(`round ${round}: ${kind.name.padEnd(26)} ${r.cpuMsPerRequest.toFixed(3)} api core-ms per request (${r.achieved}/s achieved)`);
    }
  }
  console.log(`\napi core-ms per request at ${rate}/s, ${durationS} s each, by round:`);
  for (const [name, values] of results) console.log(`  ${name.padEnd(26)} ${values.map((v) => v.toFixed(3)).join(' / ')}`);
} finally {
  await system.stop();
}
