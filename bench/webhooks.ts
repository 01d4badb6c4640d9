import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { DEV_OPERATOR_PASSWORD } from '../shared/config.ts';
import { BenchApi } from './lib/api-client.ts';
import { startBenchSystem } from './lib/system.ts';
import { cpuBetween, cpuSnapshot, summarize } from './lib/stats.ts';

/**
 * Webhook delivery throughput and latency on this machine: messages sent at a fixed rate into
 * `--chats` direct chats, each stored message's `message.created` event delivered by the workers to
 * a receiver on loopback (`--endpoints` endpoints subscribed, each getting every event). Reports
 * deliveries per second while sending, commit → receiver latency (the event's `created_at`, taken in
 * the committing transaction, to its arrival), events missing or delivered twice, chats whose
 * events arrived out of seq order, and the CPU each role used from the first send to the last
 * arrival — the worker's core-ms per send, side by side with `--endpoints 0` (no webhooks), is what a
 * delivery costs the worker.
 *
 *   npm run bench:webhooks -- --rate 300 --duration 20 --chats 50 --endpoints 1
 */
const { values: args } = parseArgs({
  options: {
    rate: { type: 'string', default: '300' },
    duration: { type: 'string', default: '20' },
    chats: { type: 'string', default: '50' },
    endpoints: { type: 'string', default: '1' },
    workers: { type: 'string', default: '1' },
    grace: { type: 'string', default: '20' },
    'receiver-ms': { type: 'string', default: '0' },
  },
});
const rate = Number(args.rate);
const durationS = Number(args.duration);
const chatCount = Number(args.chats);
const endpointCount = Number(args.endpoints);
const receiverMs = Number(args['receiver-ms']);

// The receiver: records each event's arrival; answers 200 after `--receiver-ms`.
const arrivals: { endpoint: number; id: string; chatId: string; seq: number; latencyMs: number; at: number }[] = [];
const receiver = http.createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk: string) => (body += chunk));
  req.on('end', () => {
    const at = Date.now();
    const event = JSON.parse(body) as { id: string; type: string; created_at: string; data: { message?: { chat_id: string; seq: number } } };
    if (event.type === 'message.created' && event.data.message) {
      arrivals.push({ endpoint: Number(new URL(req.url ?? '/', 'http://x').searchParams.get('e')), id: event.id, chatId: event.data.message.chat_id, seq: event.data.message.seq, latencyMs: at - Date.parse(event.created_at), at });
    }
    const answer = () => res.writeHead(200).end();
    if (receiverMs > 0) setTimeout(answer, receiverMs);
    else answer();
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const receiverPort = (receiver.address() as AddressInfo).port;

const port = (base: number) => String(base + Math.floor(Math.random() * 5000));
const system = await startBenchSystem({
  API_PORT: process.env.API_PORT ?? port(21000),
  WS_PORT: process.env.WS_PORT ?? port(26000),
  REALTIME_OPS_PORT: process.env.REALTIME_OPS_PORT ?? port(31000),
  WORKER_OPS_PORT: process.env.WORKER_OPS_PORT ?? port(36000),
  SUPERVISOR_WORKERS: String(args.workers),
  WEBHOOK_ALLOW_PRIVATE: 'true',
});
try {
  const client = new BenchApi(system.apiUrl, 128);
  const operator = `Basic ${Buffer.from(`operator:${DEV_OPERATOR_PASSWORD}`).toString('base64')}`;

  for (let e = 0; e < endpointCount; e++) {
    const registered = await client.request('POST', '/admin/webhooks', { authorization: operator, body: { url: `http://127.0.0.1:${receiverPort}/hook?e=${e}`, events: ['message.created'] } });
    if (registered.status !== 201) throw new Error(`registering an endpoint answered ${registered.status}: ${JSON.stringify(registered.body)}`);
  }
  process.stdout.write(`setting up ${chatCount} direct chats… `);
  const chats = (await client.directChats('wh', chatCount)).map((c) => ({ token: c.sender.token, chatId: c.chatId }));
  console.log('done');

  const roleOf = new Map((await system.roles()).map((r) => [r.pid, r.role]));
  const groupOf = (command: string, pid: number) =>
    roleOf.get(pid) ?? (pid === process.pid ? 'bench client and receiver' : command.startsWith('redis-server') ? 'redis' : command.startsWith('postgres') ? 'postgres (all clients)' : null);
  const cpuStart = await cpuSnapshot(groupOf);

  // Offered load: `rate` sends a second in 10 ms ticks, round-robin over the chats.
  const total = rate * durationS;
  const statuses = new Map<number, number>();
  let issued = 0;
  const startedAt = Date.now();
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const due = Math.min(total, Math.floor(((Date.now() - startedAt) / 1000) * rate));
      for (; issued < due; issued++) {
        const chat = chats[issued % chats.length] as { token: string; chatId: string };
        client.request('POST', `/chats/${chat.chatId}/messages`, { token: chat.token, body: { message: `m${issued}`, message_type: 'text', client_generated_id: `b${issued}` } })
          .then((r) => statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1), () => statuses.set(0, (statuses.get(0) ?? 0) + 1));
      }
      if (issued >= total) {
        clearInterval(tick);
        resolve();
      }
    }, 10);
  });
  const sendEndedAt = Date.now();
  const stored = () => [...statuses.entries()].filter(([s]) => s === 201 || s === 202).reduce((n, [, c]) => n + c, 0);
  const expected = () => stored() * endpointCount;
  const graceEnd = Date.now() + Number(args.grace) * 1000;
  while ((new Set(arrivals.map((a) => `${a.endpoint}:${a.id}`)).size < expected() || [...statuses.values()].reduce((a, b) => a + b, 0) < total) && Date.now() < graceEnd) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const cpu = cpuBetween(cpuStart, await cpuSnapshot(groupOf));
  const cpuSeconds = (Date.now() - startedAt) / 1000;
  const lastAt = arrivals.length > 0 ? Math.max(...arrivals.map((a) => a.at)) : Date.now();

  const unique = new Map<string, (typeof arrivals)[number]>();
  let duplicates = 0;
  for (const a of arrivals) {
    const key = `${a.endpoint}:${a.id}`;
    if (unique.has(key)) duplicates++;
    else unique.set(key, a);
  }
  const lastSeq = new Map<string, number>();
  let outOfOrder = 0;
  for (const a of arrivals) {
    const key = `${a.endpoint}:${a.chatId}`;
    if ((lastSeq.get(key) ?? 0) > a.seq) outOfOrder++;
    lastSeq.set(key, Math.max(lastSeq.get(key) ?? 0, a.seq));
  }
  const inWindow = arrivals.filter((a) => a.at <= sendEndedAt).length;
  const latency = summarize([...unique.values()].map((a) => a.latencyMs));
  const report = {
    date: new Date().toISOString(),
    offered: { rate, durationS, chats: chatCount, endpoints: endpointCount, workers: Number(args.workers), receiverMs },
    answers: Object.fromEntries(statuses),
    deliveries: { expected: expected(), delivered: unique.size, notDeliveredWithinGrace: expected() - unique.size, duplicates, outOfOrder },
    deliveriesPerSecond: {
      whileSending: Math.round(inWindow / ((sendEndedAt - startedAt) / 1000)),
      overall: Math.round(unique.size / ((lastAt - startedAt) / 1000)),
    },
    commitToReceiverMs: latency,
    drainAfterSendsMs: lastAt - sendEndedAt,
    cpuPercent: cpu,
    workerCoreMsPerSend: Math.round((((cpu.by_process_percent.workers ?? 0) / 100) * cpuSeconds * 1000 / Math.max(1, stored())) * 100) / 100,
  };
  console.log(JSON.stringify(report, null, 2));
} finally {
  await system.stop();
  receiver.close();
}
