import { parseArgs } from 'node:util';
import { BenchApi } from './lib/api-client.ts';
import { startBenchSystem } from './lib/system.ts';
import { summarize } from './lib/stats.ts';

/**
 * The change feed on one hot chat, end to end on this machine: `--members` people of one group
 * toggle reactions on one message (add, then take back) as fast as they can for `--duration`
 * seconds, each a round trip through the api, the queue and a worker that records the change under
 * the chat's row lock. With `--send` another member sends messages into the same chat meanwhile (the
 * send path takes the same lock). Prints changes/s, the reaction round trip's percentiles, the send
 * round trip's, then reads the whole feed in pages of 200 and checks the cursors are 1…N with no gap.
 *
 *   npm run bench:changes -- --members 32 --duration 20 --send
 */
const { values: args } = parseArgs({
  options: {
    members: { type: 'string', default: '32' },
    duration: { type: 'string', default: '20' },
    workers: { type: 'string', default: '1' },
    send: { type: 'boolean', default: false },
  },
});
const members = Number(args.members);
const durationMs = Number(args.duration) * 1000;
const system = await startBenchSystem({ SUPERVISOR_WORKERS: String(args.workers), GROUP_SMALL_MAX_MEMBERS: String(Math.max(500, members + 1)) });
try {
  const client = new BenchApi(system.apiUrl, members + 8);
  const api = (method: string, path: string, token?: string, body?: unknown) => client.request(method, path, { token, body });
  const user = (i: number) => client.user('chg', i);

  process.stdout.write(`setting up a group of ${members + 1}… `);
  const owner = await user(0);
  const people = [];
  for (let i = 1; i <= members; i += 8) people.push(...(await Promise.all(Array.from({ length: Math.min(8, members - i + 1) }, (_, k) => user(i + k)))));
  const group = (await api('POST', '/group', owner.token, { name: 'change feed bench' })).body;
  for (let i = 0; i < people.length; i += 100) {
    await api('POST', `/group/${group.id}/members`, owner.token, { user_ids: people.slice(i, i + 100).map((p) => p.uid) });
  }
  const chatId = group.chat_id as string;
  const target = (await api('POST', `/chats/${chatId}/messages`, owner.token, { client_generated_id: 'target', message_type: 'text', message: 'react to me' })).body;
  console.log('done');

  const reactMs: number[] = [];
  const sendMs: number[] = [];
  let failures = 0;
  const endAt = Date.now() + durationMs;
  const started = Date.now();
  const path = `/chats/${chatId}/messages/${target.id}/reactions`;
  const reactor = async (person: { token: string }) => {
    while (Date.now() < endAt) {
      for (const step of ['add', 'remove'] as const) {
        const t0 = performance.now();
        const res = step === 'add' ? await api('POST', path, person.token, { emoji: '👍' }) : await api('DELETE', `${path}/${encodeURIComponent('👍')}`, person.token);
        if (res.status === 200) reactMs.push(performance.now() - t0);
        else failures++;
      }
    }
  };
  const sender = async () => {
    let n = 0;
    while (Date.now() < endAt) {
      const t0 = performance.now();
      const res = await api('POST', `/chats/${chatId}/messages`, owner.token, { client_generated_id: `s${n++}`, message_type: 'text', message: `meanwhile ${n}` });
      if (res.status === 201) sendMs.push(performance.now() - t0);
      else failures++;
    }
  };
  await Promise.all([...people.map(reactor), ...(args.send ? [sender()] : [])]);
  const seconds = (Date.now() - started) / 1000;

  const readStart = performance.now();
  const cursors: number[] = [];
  for (let since = 0; ; ) {
    const answer = await api('GET', `/chats/${chatId}/changes?since=${since}&max=200`, owner.token);
    if (answer.status !== 200) break; // a build without the change feed, measured for comparison
    const page = answer.body;
    for (const change of page.changes) cursors.push(change.cursor);
    since = page.cursor;
    if (!page.has_more) break;
  }
  const readMs = performance.now() - readStart;
  const gapless = cursors.every((c, i) => c === i + 1);

  const changes = reactMs.length;
  console.log(`reactions applied: ${changes} in ${seconds.toFixed(1)} s = ${(changes / seconds).toFixed(0)}/s on one chat; change feed entries: ${cursors.length}`);
  console.log(`changes recorded: ${cursors.length} in ${seconds.toFixed(1)} s = ${(cursors.length / seconds).toFixed(0)}/s on one chat (${members} members reacting${args.send ? ', one sending' : ''}; ${failures} failed requests)`);
  console.log(`reaction round trip (HTTP → worker → answer) ms: ${JSON.stringify(summarize(reactMs))}`);
  if (args.send) console.log(`send round trip on the same chat ms: ${JSON.stringify(summarize(sendMs))}`);
  console.log(`read the whole feed in pages of 200: ${readMs.toFixed(0)} ms (${((cursors.length / readMs) * 1000).toFixed(0)} changes/s); cursors 1…${cursors.length} ${gapless ? 'with no gap' : 'WITH GAPS'}`);
  client.close();
} finally {
  await system.stop();
}
