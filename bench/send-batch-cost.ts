import { parseArgs } from 'node:util';
import { loadConfig } from '../shared/config.ts';
import { createLogger } from '../shared/logger.ts';
import type { SendRequest } from '../shared/queues/contracts.ts';
import { openWorkerDeps } from '../workers/open-deps.ts';
import { sendBatch } from '../workers/send/send-pipeline.ts';
import { textSendRequest } from '../test/support/send-requests.ts';
import { BenchApi } from './lib/api-client.ts';
import { startBenchSystem } from './lib/system.ts';

/**
 * What the worker's send pipeline costs per send without the queue around it: `sendBatch` (gate,
 * store, publish, and the post-commit work it starts) run in this process on batches of `--batch`
 * sends into `--pairs` direct chats, one batch after another, against real PostgreSQL and Redis.
 * The chats are set up through a running system's api (without workers of its own). Prints this
 * process's CPU per send and the wall time per batch for each of `--rounds` passes of `--batches`
 * batches, after an uncounted one. Beside `npm run bench:send` (the workers role's CPU per send in
 * the whole system), the difference is what taking sends off the queue and answering them costs.
 *
 *   npm run bench:send-batch -- --batch 16 --batches 1500
 */
const { values: args } = parseArgs({
  options: {
    batch: { type: 'string', default: '16' },
    batches: { type: 'string', default: '1500' },
    rounds: { type: 'string', default: '3' },
    pairs: { type: 'string', default: '100' },
  },
});
const [batch, batches, rounds, pairs] = [args.batch, args.batches, args.rounds, args.pairs].map(Number) as [number, number, number, number];
if (![batch, batches, rounds, pairs].every((n) => Number.isInteger(n) && n > 0)) throw new Error('--batch, --batches, --rounds and --pairs must be whole numbers above 0');

const system = await startBenchSystem({ SUPERVISOR_WORKERS: '0' });
try {
  const client = new BenchApi(system.apiUrl, 32);
  process.stdout.write(`setting up ${pairs} direct chats… `);
  const chats = await client.directChats('sendbatch', pairs);
  console.log('done');
  const config = loadConfig({ ...process.env, ...system.env, LOG_LEVEL: 'warn' });
  const deps = await openWorkerDeps(config, createLogger(config, 'bench'));
  try {
    // Each sender's session, as the api puts it on the sends it accepts.
    const sessions = await deps.db('sessions').whereIn('uid', chats.map((c) => c.sender.uid)).select<{ uid: string; client_key: string }[]>('uid', 'client_key');
    const clientKeyOf = new Map(sessions.map((s) => [s.uid, s.client_key]));
    let sent = 0;
    const nextRequest = (): SendRequest => {
      const chat = chats[sent++ % chats.length] as (typeof chats)[number];
      return textSendRequest({ sender_uid: chat.sender.uid, client_key: clientKeyOf.get(chat.sender.uid) as string, chat_id: chat.chatId, message: `send batch cost ${sent}` });
    };

    for (let round = 0; round <= rounds; round++) {
      // Built before the clock starts: making the requests (their random ids) is the api's work, not the pipeline's.
      const requests = Array.from({ length: batches }, () => Array.from({ length: batch }, nextRequest));
      const cpu = process.cpuUsage();
      const started = performance.now();
      for (const requestBatch of requests) {
        const outcomes = await sendBatch(deps, requestBatch);
        const notCreated = outcomes.find((o) => o.kind !== 'created');
        if (notCreated) throw new Error(`a send was not created: ${JSON.stringify(notCreated)}`);
      }
      await deps.deliveries.settled();
      const used = process.cpuUsage(cpu);
      const sends = batches * batch;
      const label = round === 0 ? 'warm-up (not counted)' : `round ${round}`;
      console.log(
        `${label}: ${(((used.user + used.system) / 1000) / sends).toFixed(3)} core-ms per send ` +
          `(system calls ${((used.system / 1000) / sends).toFixed(3)}), ${((performance.now() - started) / batches).toFixed(2)} ms per batch of ${batch}`,
      );
    }
  } finally {
    await deps.close();
  }
} finally {
  await system.stop();
}
