import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createApp } from '../api/app.ts';
import { openApiDeps } from '../api/deps.ts';
import { loadConfig } from '../shared/config.ts';
import { dropDatabase, ensureDatabase } from '../shared/db/ensure-database.ts';
import { createDb, type Db } from '../shared/db/knex.ts';
import { migrateLatest } from '../shared/db/migrations.ts';
import { createLogger } from '../shared/logger.ts';
import { putSearchBack, takeSearchOff } from './lib/search-indexes.ts';
import { processUsage, summarize } from './lib/stats.ts';
import { createCorpus, type Corpus } from './search-corpus.ts';

/**
 * Message search at size, on a database of its own (dropped at the end):
 *  1. seeds `--messages` messages in `--chats` group chats (multi-row INSERTs of unnest()ed arrays,
 *     the search indexes dropped while loading and built after, as a restore would);
 *  2. the insert cost of the search column and indexes: new messages inserted, interleaved, into
 *     the table and into a twin of it without them (same rows, other indexes, checks and foreign
 *     keys), in 100-row transactions as the send pipeline commits them, and in single-row commits;
 *  3. signs a user up through the real api (in this process), makes them a member of `--member-of`
 *     chats, and times `--queries` varied searches over HTTP (`GET /chats/search`): p50/p95/p99,
 *     overall and per kind, after `--warm-up` queries of other texts (a server's warm connections).
 *
 *   npm run bench:search -- --messages 1000000 --chats 5000 --member-of 200 --queries 200
 *
 * Seeding and indexing a million messages takes minutes: `--keep` leaves the database and prints
 * its name; `--reuse <name>` then skips steps 1 and 2 and times the same queries on it (run with the
 * same `--messages`, `--chats`, `--member-of`, `--queries`, `--insert-rounds` and `--seed`: the
 * corpus is replayed to the same point, so the queries are the same ones).
 */
const { values: args } = parseArgs({
  options: {
    messages: { type: 'string', default: '1000000' },
    chats: { type: 'string', default: '5000' },
    'member-of': { type: 'string', default: '200' },
    senders: { type: 'string', default: '2000' },
    queries: { type: 'string', default: '200' },
    'warm-up': { type: 'string', default: '100' },
    'insert-rounds': { type: 'string', default: '200' },
    seed: { type: 'string', default: '1' },
    keep: { type: 'boolean', default: false },
    reuse: { type: 'string' },
  },
});
const totalMessages = Number(args.messages);
const chatCount = Number(args['member-of']) > Number(args.chats) ? Number(args['member-of']) : Number(args.chats);
const memberOf = Number(args['member-of']);
const senderCount = Number(args.senders);
const queryCount = Number(args.queries);
const LOAD_BATCH = 10_000;

const id = randomBytes(3).toString('hex');
const url = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/wetty');
url.pathname = `/${args.reuse ?? `wetty_bench_search_${id}`}`;
const keep = args.keep || args.reuse !== undefined;
const databaseUrl = url.toString();
const seconds = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e9;
const log = (line: string) => process.stdout.write(`${line}\n`);

await ensureDatabase(databaseUrl);
const db = createDb({ url: databaseUrl, poolMax: 4 });
const fileDir = await mkdtemp(path.join(tmpdir(), 'wetty-bench-search-'));
let closeApi: (() => Promise<void>) | undefined;
try {
  await migrateLatest(db);
  const corpus = createCorpus(Number(args.seed));

  let chatIds: string[];
  let setup: { load_seconds: number; index_build_seconds: number; insert_cost: Awaited<ReturnType<typeof compareInserts>> } | null = null;
  if (args.reuse === undefined) {
    ({ chatIds, setup } = await buildDataset(db, corpus));
  } else {
    chatIds = (await db('chats').orderBy('id').pluck<string[]>('id')).map(String);
    replayCorpus(corpus);
    log(`reusing ${args.reuse}: ${chatIds.length} chats`);
  }

  // 3. Queries over HTTP against the real api.
  const config = loadConfig({ ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'warn', DATABASE_URL: databaseUrl, REDIS_PREFIX: `wetty-bench-search-${id}`, FILE_DIR: fileDir, LOGIN_RATE_MAX: '1000' });
  const deps = await openApiDeps(config, createLogger(config, 'bench-api'), { processMetrics: false });
  const server = createApp(deps).listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  closeApi = async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await deps.redis.del(`wetty-bench-search-${id}`);
    await deps.close();
  };
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const post = async (p: string, body: unknown) => (await fetch(base + p, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json() as Promise<Record<string, string>>;
  const username = `bench_search_${id}`;
  const registered = await post('/users/auth/register', { username, password: 'bench-password' });
  const login = await post('/users/auth/login', { username, password: 'bench-password', client_type: 'mobile' });
  const token = login.token as string;
  const myChats = chatIds.filter((_, i) => i % Math.floor(chatIds.length / memberOf) === 0).slice(0, memberOf);
  await db('chat_members').insert(myChats.map((chat_id) => ({ chat_id, uid: registered.uid, role: 'member' })));
  const visible = await db.raw<{ rows: { n: string }[] }>('select count(*) as n from messages m join chat_members cm on cm.chat_id = m.chat_id where cm.uid = ?', [registered.uid as string]);
  log(`the searching user is a member of ${myChats.length} chats holding ${Number(visible.rows[0]?.n).toLocaleString('en')} messages`);

  const queries = corpus.queries(queryCount, myChats);
  const timeQuery = async (q: (typeof queries)[number]) => {
    const params = new URLSearchParams({ q: q.q, ...(q.chatId ? { chat_id: q.chatId } : {}), ...(q.order ? { order: q.order } : {}) });
    const t = process.hrtime.bigint();
    const res = await fetch(`${base}/chats/search?${params.toString()}`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await res.json()) as { results?: unknown[] };
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    if (res.status !== 200) throw new Error(`search ${JSON.stringify(q)} answered ${res.status}: ${JSON.stringify(body)}`);
    return { ms, hits: body.results?.length ?? 0 };
  };
  // Warm-up, as a server that has been answering searches is: its connections' PostgreSQL backends
  // have their catalog caches filled and have mapped the shared buffers they read (a new backend
  // takes a page fault on the first touch of each: ~100 ms for a rank-ordered common word). Queries of
  // every kind and shape drawn after the measured ones, leaving out any with a measured text.
  const measuredTexts = new Set(queries.map((q) => q.q));
  const warmUp = corpus.queries(Number(args['warm-up']), myChats).filter((q) => !measuredTexts.has(q.q));
  for (const q of warmUp) await timeQuery(q);
  const timings: { kind: string; ms: number; hits: number; q: string; chat: boolean; rank: boolean }[] = [];
  for (const q of queries) timings.push({ kind: q.kind, q: q.q, chat: q.chatId !== undefined, rank: q.order === 'rank', ...(await timeQuery(q)) });

  const overall = summarize(timings.map((t) => t.ms));
  log(`\n${queries.length} queries over HTTP, one at a time (after ${warmUp.length} warm-up queries of other texts, not counted):`);
  log(`  all            p50 ${overall.p50} ms  p95 ${overall.p95} ms  p99 ${overall.p99} ms  max ${overall.max} ms`);
  const byKind: Record<string, ReturnType<typeof summarize> & { with_results: number }> = {};
  for (const kind of [...new Set(timings.map((t) => t.kind)), 'with chat_id', 'without chat_id']) {
    const group = timings.filter((t) => (kind === 'with chat_id' ? t.chat : kind === 'without chat_id' ? !t.chat : t.kind === kind));
    const s = { ...summarize(group.map((t) => t.ms)), with_results: group.filter((t) => t.hits > 0).length };
    byKind[kind] = s;
    log(`  ${kind.padEnd(15)}p50 ${s.p50} ms  p95 ${s.p95} ms  p99 ${s.p99} ms  max ${s.max} ms  (${s.count} queries, ${s.with_results} with results)`);
  }
  const slowest = [...timings].sort((x, y) => y.ms - x.ms).slice(0, 5);
  log(`  slowest: ${slowest.map((t) => `${JSON.stringify(t.q)}${t.chat ? ' (chat)' : ''} ${round(t.ms)} ms`).join(', ')}`);

  await mkdir('bench/results', { recursive: true });
  const out = `bench/results/search-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  await writeFile(out, JSON.stringify({ at: new Date().toISOString(), args, ...setup, queries: { all: overall, by_kind: byKind }, slowest, timings }, null, 2));
  log(`\nwrote ${out}`);
} finally {
  await closeApi?.();
  await db.destroy();
  if (keep) log(`kept the database ${url.pathname.slice(1)}: time the queries again with --reuse ${url.pathname.slice(1)}`);
  else await dropDatabase(databaseUrl);
  await rm(fileDir, { recursive: true, force: true });
}

/** Steps 1 and 2: the dataset, the search indexes built after it, and the insert cost they add. */
async function buildDataset(db: Db, corpus: Corpus) {
  // 1. Seed.
  let started = process.hrtime.bigint();
  const searchIndexes = await takeSearchOff(db);
  const senders = await seedUsers(db, senderCount);
  const chatIds = await seedChats(db, chatCount, senders);
  log(`seeded ${senders.length} users and ${chatIds.length} chats in ${seconds(started).toFixed(1)} s`);
  started = process.hrtime.bigint();
  await seedMessages(db, corpus, chatIds, senders, totalMessages);
  const loadS = seconds(started);
  log(`seeded ${totalMessages.toLocaleString('en')} messages in ${loadS.toFixed(1)} s (${Math.round(totalMessages / loadS).toLocaleString('en')}/s, no search indexes)`);

  // 2. A twin of the table as it is now (same rows, indexes, checks and foreign keys), left without
  // the search column and indexes, to time inserts into both side by side.
  started = process.hrtime.bigint();
  await db.raw('create table messages_plain (like messages including all)');
  await db.raw('insert into messages_plain select * from messages');
  await db.raw(`alter table messages_plain add foreign key (chat_id) references chats (id) on delete cascade,
                add foreign key (sender_uid) references users (uid) on delete cascade`);
  await db.raw('vacuum analyze messages_plain');
  log(`made the twin table without search in ${seconds(started).toFixed(1)} s`);

  started = process.hrtime.bigint();
  // A connection of its own with more sort memory for the build (as an operator would give it).
  await db.raw(`alter database ${url.pathname.slice(1)} set maintenance_work_mem = '256MB'`);
  const builder = createDb({ url: databaseUrl, poolMax: 1 });
  try {
    await putSearchBack(builder, searchIndexes);
  } finally {
    await builder.destroy();
  }
  await db.raw('vacuum analyze messages');
  const indexS = seconds(started);
  const sizes = await db.raw<{ rows: { name: string; size: string }[] }>(
    // Summed over partitions: a partitioned table or index has no storage of its own.
    `select c.relname as name, pg_size_pretty((select sum(pg_relation_size(t.relid)) from pg_partition_tree(c.oid) t)) as size from pg_class c
     where c.relname in ('messages', 'messages_plain', 'messages_search_words', 'messages_search_text', 'messages_search_unspaced') order by c.relname`,
  );
  log(`added the search column and indexes in ${indexS.toFixed(1)} s: ${sizes.rows.map((r) => `${r.name} ${r.size}`).join(', ')}`);

  // One connection, so its backend's CPU time (from /proc) is the inserts' own, whatever else runs on the machine.
  const inserter = createDb({ url: databaseUrl, poolMax: 1 });
  let insertCost: Awaited<ReturnType<typeof compareInserts>>;
  try {
    insertCost = await compareInserts(inserter, corpus, chatIds, senders, Number(args['insert-rounds']));
  } finally {
    await inserter.destroy();
  }
  log(`insert cost per message, interleaved with the twin (${args['insert-rounds']} rounds of one 100-row transaction and 10 single-row commits into each):`);
  log(`  batches of 100: ${insertCost.batched_us_without} µs without search → ${insertCost.batched_us_with} µs with (${signed(insertCost.batched_added_us)} µs, ${signed(insertCost.batched_added_pct)} %)`);
  log(`  single-row commits: ${insertCost.single_us_without} µs → ${insertCost.single_us_with} µs (${signed(insertCost.single_added_us)} µs, ${signed(insertCost.single_added_pct)} %)`);
  log(`  PostgreSQL backend CPU per message, both kinds together: ${insertCost.backend_cpu_us_without} µs → ${insertCost.backend_cpu_us_with} µs (${signed(insertCost.backend_cpu_added_us)} µs)`);
  await db.raw('drop table messages_plain');
  return { chatIds, setup: { load_seconds: loadS, index_build_seconds: indexS, insert_cost: insertCost } };
}

/** Draws as many texts as steps 1 and 2 did, so the queries drawn next are the ones of the build run. */
function replayCorpus(corpus: Corpus): void {
  const drawn = totalMessages + Number(args['insert-rounds']) * 2 * 110;
  for (let i = 0; i < drawn; i += 1) corpus.message();
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
function signed(n: number): string {
  return n >= 0 ? `+${n}` : String(n);
}

async function seedUsers(db: Db, count: number): Promise<string[]> {
  const uids = Array.from({ length: count }, () => randomBytes(16).toString('hex'));
  for (let i = 0; i < uids.length; i += 1000) {
    const slice = uids.slice(i, i + 1000);
    await db('users').insert(slice.map((uid, k) => ({ uid, username: `seed_${id}_${i + k}`, password_hash: 'x', secret_key: randomBytes(16).toString('hex'), nickname: `seed ${i + k}` })));
  }
  return uids;
}

/** Group chats, each with 8 of the senders as members. */
async function seedChats(db: Db, count: number, senders: readonly string[]): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1000) {
    const rows = await db('chats').insert(Array.from({ length: Math.min(1000, count - i) }, () => ({ kind: 'group' }))).returning<{ id: string }[]>('id');
    ids.push(...rows.map((r) => String(r.id)));
  }
  const members = ids.flatMap((chat_id, c) => Array.from({ length: 8 }, (_, k) => ({ chat_id, uid: senders[(c * 8 + k) % senders.length] as string, role: 'member' })));
  for (let i = 0; i < members.length; i += 5000) await db('chat_members').insert(members.slice(i, i + 5000));
  return ids;
}

function senderOf(senders: readonly string[], chatIndex: number, n: number): string {
  return senders[(chatIndex * 8 + (n % 8)) % senders.length] as string;
}

/** Messages round-robin over the chats (so every chat's history spans the whole period), oldest first. */
async function seedMessages(db: Db, corpus: Corpus, chatIds: readonly string[], senders: readonly string[], total: number): Promise<void> {
  const perChat = Math.floor(total / chatIds.length);
  const startMs = Date.now() - 365 * 24 * 3600 * 1000;
  const stepMs = (365 * 24 * 3600 * 1000) / total;
  for (let from = 0; from < total; from += LOAD_BATCH) {
    const n = Math.min(LOAD_BATCH, total - from);
    const cols = { chat: [] as string[], seq: [] as number[], sender: [] as string[], text: [] as string[], cgid: [] as string[], at: [] as string[] };
    for (let k = 0; k < n; k += 1) {
      const i = from + k;
      const chatIndex = i % chatIds.length;
      cols.chat.push(chatIds[chatIndex] as string);
      cols.seq.push(Math.floor(i / chatIds.length) + 1);
      cols.sender.push(senderOf(senders, chatIndex, i));
      cols.text.push(corpus.message());
      cols.cgid.push(`seed-${i}`);
      cols.at.push(new Date(startMs + i * stepMs).toISOString());
    }
    // Not waiting for the WAL flush of each load batch (a bulk load, not the send path being measured).
    await db.transaction(async (trx) => {
      await trx.raw('set local synchronous_commit = off');
      await trx.raw(
      `insert into messages (chat_id, seq, sender_uid, message, message_type, client_generated_id, created_at)
       select c, s, u, t, 'text', g, a from unnest(?::bigint[], ?::bigint[], ?::char(32)[], ?::text[], ?::text[], ?::timestamptz[]) as x(c, s, u, t, g, a)`,
      [cols.chat, cols.seq, cols.sender, cols.text, cols.cgid, cols.at],
      );
    });
    if ((from / LOAD_BATCH) % 20 === 19) log(`  … ${(from + n).toLocaleString('en')}`);
  }
  await db.raw(`update chats set last_seq = ?`, [perChat]);
  await db.raw('vacuum analyze messages');
}

/**
 * New messages into random chats of `messages` and of its twin `messages_plain`, alternating which
 * goes first: per round one 100-row transaction (a multi-row INSERT, as the send pipeline persists
 * a batch) and 10 single-row commits into each. Only the INSERT and its commit are timed, and the
 * CPU time of the backend they run on (`db` has one connection) is counted around them.
 */
async function compareInserts(db: Db, corpus: Corpus, chatIds: readonly string[], senders: readonly string[], rounds: number) {
  const tables = ['messages', 'messages_plain'] as const;
  const next = new Map(tables.map((t) => [t, new Map(chatIds.map((c) => [c, Math.floor(totalMessages / chatIds.length) + 1]))]));
  const time = { messages: { batched: 0, single: 0 }, messages_plain: { batched: 0, single: 0 } };
  const cpu = { messages: 0, messages_plain: 0 };
  const backendPid = (await db.raw<{ rows: { pid: number }[] }>('select pg_backend_pid() as pid')).rows[0]?.pid as number;
  const backendCpuSeconds = async () => (await processUsage(backendPid))?.cpuSeconds ?? 0;
  let counter = 0;
  const row = (table: (typeof tables)[number]) => {
    const chatIndex = Math.floor(Math.random() * chatIds.length);
    const chat = chatIds[chatIndex] as string;
    const seqs = next.get(table) as Map<string, number>;
    const seq = seqs.get(chat) as number;
    seqs.set(chat, seq + 1);
    counter += 1;
    return { chat_id: chat, seq, sender_uid: senderOf(senders, chatIndex, counter), message: corpus.message(), message_type: 'text', client_generated_id: `ins-${counter}` };
  };
  for (let r = 0; r < rounds; r += 1) {
    for (const table of r % 2 === 0 ? tables : [...tables].reverse()) {
      const rows = Array.from({ length: 100 }, () => row(table));
      const cpuBefore = await backendCpuSeconds();
      let t = process.hrtime.bigint();
      await db.transaction(async (trx) => {
        await trx(table).insert(rows);
      });
      time[table].batched += seconds(t);
      for (let k = 0; k < 10; k += 1) {
        const one = row(table);
        t = process.hrtime.bigint();
        await db(table).insert(one);
        time[table].single += seconds(t);
      }
      cpu[table] += (await backendCpuSeconds()) - cpuBefore;
    }
  }
  const us = (total: number, count: number) => round((total / count) * 1e6);
  const [bw, bo, sw, so] = [us(time.messages.batched, rounds * 100), us(time.messages_plain.batched, rounds * 100), us(time.messages.single, rounds * 10), us(time.messages_plain.single, rounds * 10)];
  return {
    batched_us_without: bo, batched_us_with: bw, batched_added_us: round(bw - bo), batched_added_pct: round(((bw - bo) / bo) * 100),
    single_us_without: so, single_us_with: sw, single_added_us: round(sw - so), single_added_pct: round(((sw - so) / so) * 100),
    backend_cpu_us_without: us(cpu.messages_plain, rounds * 110), backend_cpu_us_with: us(cpu.messages, rounds * 110), backend_cpu_added_us: us(cpu.messages - cpu.messages_plain, rounds * 110),
  };
}
