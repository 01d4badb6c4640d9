import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createDb, type Db } from '../shared/db/knex.ts';
import { startOwnRedis } from '../test/support/redis-server.ts';
import { waitFor } from '../test/support/system.ts';
import { call, Device, Sender, type ChaosUser } from './clients.ts';
import { startOwnPostgres } from './postgres-server.ts';
import { printTable, type Row } from './report.ts';
import { scenarios, type World } from './scenarios.ts';
import { createChaosSystem } from './system.ts';

/**
 * `npm run chaos [-- --short] [--only <text>] [--explain]`: the whole system (2 workers, 2 realtime nodes) on a
 * Redis and a PostgreSQL of its own, steady sends with sockets that ping, and one fault per scenario.
 * Prints one row per scenario; `--explain` also prints each (message, member) pair still missing
 * after recovery with its device's recent connects, fills and closes.
 */
const { values } = parseArgs({ options: { short: { type: 'boolean', default: false }, only: { type: 'string' }, json: { type: 'string' }, explain: { type: 'boolean', default: false } } });
const short = values.short ?? false;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const say = (text: string) => process.stderr.write(`[chaos] ${text}\n`);

const redis = await startOwnRedis({ appendOnly: true });
const pg = await startOwnPostgres();
say(`own Redis ${redis.url}, own PostgreSQL ${pg.url('wetty_chaos')}`);
const logFile = path.join(tmpdir(), `wetty-chaos-${Date.now()}.log`);
say(`system log: ${logFile}`);
const system = await createChaosSystem({ DATABASE_URL: pg.url('wetty_chaos'), REDIS_URL: redis.url, REDIS_PREFIX: 'chaos', LOG_LEVEL: 'info', API_JOB_WAIT_MS: '3000' }, logFile);
let db: Db | null = null;
const rows: Row[] = [];
// Ctrl-C: stop the system and remove the own Redis and PostgreSQL before leaving.
let interrupted = false;
const cleanup = async () => {
  await system.stop().catch(() => undefined);
  await db?.destroy().catch(() => undefined);
  await redis.destroy().catch(() => undefined);
  await pg.destroy().catch(() => undefined);
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    say(`${signal}: cleaning up`);
    cleanup().then(() => process.exit(130), () => process.exit(130));
  });
}
try {
  await system.start();
  say('system ready; seeding');
  db = createDb({ url: pg.url('wetty_chaos'), poolMax: 2 });
  const api = system.apiUrl;

  const signUp = async (i: number): Promise<ChaosUser> => {
    const username = `chaos_${i}_${Math.random().toString(36).slice(2, 8)}`;
    const password = 'chaos-password';
    const reg = await call(api, 'POST', '/users/auth/register', undefined, { username, password });
    if (reg.status !== 201) throw new Error(`register: ${reg.status} ${JSON.stringify(reg.body)}`);
    const login = await call(api, 'POST', '/users/auth/login', undefined, { username, password, client_type: 'web' });
    return { uid: reg.body.uid, username, password, token: login.body.token, chats: new Set() };
  };
  const userCount = short ? 16 : 30;
  const users: ChaosUser[] = [];
  for (let i = 0; i < userCount + 3; i++) users.push(await signUp(i));
  const [owner, victim, revoked] = users.slice(userCount) as [ChaosUser, ChaosUser, ChaosUser];
  const regular = users.slice(0, userCount);

  const befriend = async (a: ChaosUser, b: ChaosUser) => {
    const applied = await call(api, 'POST', '/friend/apply', a.token, { target_user_id: b.uid, apply_msg: 'hi' });
    const chatId = applied.body.status === 'accepted' ? applied.body.chat_id : (await call(api, 'POST', `/friend/requests/${applied.body.request_id}/accept`, b.token)).body.chat_id;
    a.chats.add(chatId);
    b.chats.add(chatId);
  };
  const group = async (leader: ChaosUser, members: ChaosUser[], category: 'small' | 'large') => {
    const created = await call(api, 'POST', '/group', leader.token, { name: `chaos ${category}`, category });
    if (created.status !== 201) throw new Error(`group: ${created.status} ${JSON.stringify(created.body)}`);
    const added = await call(api, 'POST', `/group/${created.body.id}/members`, leader.token, { user_ids: members.map((m) => m.uid) });
    if (added.status !== 200) throw new Error(`members: ${added.status} ${JSON.stringify(added.body)}`);
    for (const m of [leader, ...members]) m.chats.add(created.body.chat_id);
    return { groupId: String(created.body.id), chatId: String(created.body.chat_id) };
  };
  // Direct chats in pairs, two small groups, one large group of everyone.
  for (let i = 0; i + 1 < userCount / 2; i += 2) await befriend(regular[i] as ChaosUser, regular[i + 1] as ChaosUser);
  const half = Math.floor(userCount / 2);
  await group(regular[half] as ChaosUser, regular.slice(half + 1, half + 6), 'small');
  await group(regular[0] as ChaosUser, regular.filter((_, i) => i % 3 === 1), 'small');
  await group(regular[userCount - 1] as ChaosUser, regular.slice(0, userCount - 1), 'large');
  const kickGroup = await group(owner, [victim, revoked], 'small');
  // The revoked user's second session: the one revoked.
  const second = await call(api, 'POST', '/users/auth/login', undefined, { username: revoked.username, password: revoked.password, client_type: 'mobile' });
  const sessions = await call(api, 'GET', '/users/sessions', revoked.token);
  const revokedClientKey = String((sessions.body.sessions as { client_key: string; current: boolean }[]).find((s) => !s.current)?.client_key);

  const devices = users.map((u) => new Device(u, system.wsUrl, api));
  const revokedDevice = new Device(revoked, system.wsUrl, api, second.body.token);
  devices.push(revokedDevice);
  for (const d of devices) d.open();
  await waitFor(() => devices.every((d) => d.ready), 60_000, 100);
  const victimDevice = devices[userCount + 1] as Device;

  const senders = regular.filter((u) => u.chats.size > 0);
  const sender = new Sender(api, () => {
    const user = senders[Math.floor(Math.random() * senders.length)] as ChaosUser;
    const chats = [...user.chats];
    return { user, chatId: chats[Math.floor(Math.random() * chats.length)] as string };
  });
  const world: World = { system, redis, pg, sender, devices, short, kick: { ...kickGroup, owner, victim, victimDevice, revoked, revokedDevice, revokedClientKey } };
  const members = new Map<string, ChaosUser[]>();
  for (const u of users) for (const chatId of u.chats) members.set(chatId, [...(members.get(chatId) ?? []), u]);
  const deviceOf = new Map(devices.filter((d) => d !== revokedDevice).map((d) => [d.user.uid, d]));

  let scenarioIndex = 0;
  for (const scenario of scenarios(short)) {
    if (values.only && !scenario.name.includes(values.only)) continue;
    const tag = `s${scenarioIndex++}x${Date.now().toString(36)}`;
    say(`scenario: ${scenario.name}`);
    const exitsBefore = system.unplannedExits().length;
    const duplicatesBefore = devices.reduce((n, d) => n + d.duplicateFrames, 0);
    sender.scenario = tag;
    sender.start(6, 30);
    await sleep(3000);
    const injected = await scenario.inject(world);
    const injectedAt = Date.now();
    await sleep(6000);
    await sender.stop();
    const records = sender.records.filter((r) => r.scenario === tag);

    // Stored rows of this scenario, and who should have them.
    type Stored = { id: string; chat_id: string; seq: string; sender_uid: string; client_generated_id: string; created_at: Date };
    const stored = async () => (await db!('messages').where('client_generated_id', 'like', `${tag}-%`).select('id', 'chat_id', 'seq', 'sender_uid', 'client_generated_id', 'created_at')) as Stored[];
    const missingPairs = (list: Stored[]) => {
      let missing = 0;
      for (const m of list) {
        for (const member of members.get(String(m.chat_id)) ?? []) {
          if (member.uid === m.sender_uid) continue;
          const gone = injected.removed?.find((r) => r.uid === member.uid && r.chatId === String(m.chat_id));
          if (gone && m.created_at.getTime() >= gone.at - 1000) continue;
          if (!deviceOf.get(member.uid)?.receipts.has(String(m.id))) missing++;
        }
      }
      return missing;
    };
    // Recovery: every acknowledged send stored, every device connected again and every stored
    // message at its members' sockets — or the deadline.
    const acknowledgedNow = records.filter((r) => r.acknowledged);
    const recoveryDeadline = Date.now() + (short ? 120_000 : 180_000);
    let list = await stored();
    const settled = (l: Stored[]) => {
      const have = new Set(l.map((m) => `${m.sender_uid}:${m.client_generated_id}`));
      return acknowledgedNow.every((r) => have.has(`${r.sender}:${r.cgid}`)) && missingPairs(l) === 0 && devices.filter((d) => d !== revokedDevice).every((d) => d.ready);
    };
    while (Date.now() < recoveryDeadline && !settled(list)) {
      await sleep(1000);
      list = await stored().catch(() => list);
    }
    const missing = missingPairs(list);
    if (missing > 0 && values.explain) {
      for (const m of list) for (const member of members.get(String(m.chat_id)) ?? []) {
        const d = deviceOf.get(member.uid);
        if (member.uid === m.sender_uid || !d || d.receipts.has(String(m.id))) continue;
        say(`MISSING msg ${m.id} chat ${m.chat_id} seq ${m.seq} created ${m.created_at.getTime()} for ${member.uid}; device trail:\n  ${d.trail.slice(-30).join('\n  ')}`);
      }
    }
    // Recovery: the first send started after the fault that was accepted at its first attempt.
    const firstGood = records.filter((r) => r.startedAt >= injectedAt && (r.answers[0] === '201' || r.answers[0] === '202')).sort((a, b) => a.startedAt - b.startedAt)[0];
    const acknowledged = records.filter((r) => r.acknowledged);
    const keys = new Set(list.map((m) => `${m.sender_uid}:${m.client_generated_id}`));
    const lost = acknowledged.filter((r) => !keys.has(`${r.sender}:${r.cgid}`)).length;
    const distinctSends = new Set(records.map((r) => `${r.sender}:${r.cgid}`));
    const errors: Record<string, number> = {};
    for (const r of records) for (const a of r.answers) if (a !== '201' && a !== '202') errors[a] = (errors[a] ?? 0) + 1;
    const gaps = (await db!.raw('select coalesce(sum(gap), 0)::int as gaps from (select max(seq) - count(*) as gap from messages group by chat_id) g')).rows[0].gaps as number;
    const createdAt = new Map(list.map((m) => [String(m.id), m.created_at.getTime()]));
    const row: Row = {
      scenario: scenario.name,
      attempted: distinctSends.size,
      // Per send (a duplicate send's 20 requests count once, by their first acknowledgement).
      created: new Set(acknowledged.filter((r) => r.answers.at(-1) === '201').map((r) => `${r.sender}:${r.cgid}`)).size,
      queued: new Set(acknowledged.filter((r) => r.answers.at(-1) === '202').map((r) => `${r.sender}:${r.cgid}`)).size,
      unanswered: new Set(records.filter((r) => !r.acknowledged).map((r) => `${r.sender}:${r.cgid}`)).size,
      errors,
      lost,
      duplicateRows: list.length - keys.size,
      seqGaps: gaps,
      missingLive: missing,
      duplicateFrames: devices.reduce((n, d) => n + d.duplicateFrames, 0) - duplicatesBefore,
      stale: injected.stale?.(createdAt) ?? 0,
      exits: system.unplannedExits().length - exitsBefore - injected.plannedExits,
      recoveryS: firstGood ? Math.max(0, (firstGood.startedAt - injectedAt) / 1000) : null,
      notes: injected.notes ?? [],
    };
    rows.push(row);
    printTable([row], false);
  }
} finally {
  if (!interrupted) await cleanup();
}
printTable(rows, true);
if (values.json) {
  const { writeFile } = await import('node:fs/promises');
  await writeFile(values.json, JSON.stringify(rows, null, 2));
}
process.exit(0);
