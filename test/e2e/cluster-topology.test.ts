import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { queueNameFor, type QueueLayout } from '../../shared/queues/layout.ts';
import { redisKeys } from '../../shared/redis/keys.ts';
import { pngBytes, sha256Hex, uploadRaw } from '../support/files.ts';
import { HttpClient } from '../support/http-client.ts';
import { sampleValue, scrape } from '../support/metrics.ts';
import { befriend, createGroup } from '../support/social.ts';
import { startSystem, waitFor, type RunningSystem } from '../support/system.ts';
import { startPostgresPair, startRedisCluster, type PostgresPairTopology, type RedisClusterTopology } from '../support/topology.ts';
import { signUp, type TestUser } from '../support/users.ts';
import { connectWs, type Frame, type WsConnection } from '../support/ws-client.ts';

const PARTITIONS = 4;
const READ_YOUR_WRITES_SECONDS = 4;

/**
 * The scaled-out topology on one machine: a Redis Cluster (3 masters, 3 replicas), a PostgreSQL
 * primary with a streaming replica, and the real processes (two api processes, two workers, two
 * realtime nodes) with the messages queue in four partitions. Requests go to the api processes in
 * turn, as behind a round-robin balancer. Runs the messaging, groups and files flows, then fails a
 * Redis master over during sends (nothing lost, duplicated or out of sequence; live delivery
 * resumes), then pauses the replica's replay (reads stay correct for the writer, whichever api
 * process serves the read).
 */
describe('scaled-out topology: Redis Cluster and a PostgreSQL replica', function () {
  this.timeout(240_000);
  let cluster: RedisClusterTopology;
  let postgres: PostgresPairTopology;
  let system: RunningSystem;
  /** One client per api process, for a step that must land on a given one. */
  let apis: HttpClient[];
  const sockets: WsConnection[] = [];
  const newUser = () => signUp(system.http, { stem: 'topo' });
  const connect = async (user: TestUser) => {
    const ws = await connectWs(`${system.wsUrl}?uid=${user.uid}&token=${user.token}`);
    sockets.push(ws);
    return ws;
  };
  const isMessage = (id: string) => (f: Frame) => f.event === 'on_message' && f.data.id === id;
  const settle = () => new Promise((resolve) => setTimeout(resolve, 200));
  const send = async (user: TestUser, chatId: string, message: string, clientId = `topo-${randomBytes(6).toString('hex')}`) => {
    const res = await system.http.post(`/chats/${chatId}/messages`, { token: user.token, json: { client_generated_id: clientId, message_type: 'text', message } });
    return res;
  };
  const history = async (user: TestUser, chatId: string, query = '', http = system.http) => {
    const res = await http.get(`/chats/${chatId}/messages?max=100${query}`, { token: user.token });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return res.body.messages as { id: string; seq: number; message: string }[];
  };

  before(async function () {
    cluster = await startRedisCluster();
    postgres = await startPostgresPair();
    const database = `wetty_topology_${randomBytes(3).toString('hex')}`;
    system = await startSystem({
      DATABASE_URL: postgres.primaryUrl(database),
      DATABASE_READ_URL: postgres.replicaUrl(database),
      DATABASE_READ_YOUR_WRITES_SECONDS: String(READ_YOUR_WRITES_SECONDS),
      REDIS_CLUSTER_NODES: cluster.nodes,
      MESSAGE_QUEUE_PARTITIONS: String(PARTITIONS),
      SUPERVISOR_API_PROCESSES: '2',
      SUPERVISOR_WORKERS: '2',
      SUPERVISOR_REALTIME_NODES: '2',
    });
    apis = system.apiUrls.map((url) => new HttpClient(url));
  });
  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.error(`system warnings and errors:\n${system?.problems().slice(-6000)}`);
    for (const ws of sockets.splice(0)) ws.close();
  });
  after(async () => {
    await system?.stop();
    await Promise.allSettled([cluster?.stop(), postgres?.stop()]);
  });

  it('two api processes answer, each its own process, and both carry the traffic', async () => {
    expect(system.apiUrls).to.have.length(2);
    const pids = await Promise.all(system.apiOpsUrls.map(async (url) => ((await (await fetch(`${url}/healthz`)).json()) as { pid: number }).pid));
    expect(new Set(pids).size).to.equal(2);
    const requests = async () => Promise.all(system.apiOpsUrls.map(async (url) => sampleValue(await scrape(url), 'wetty_http_requests_total')));
    const before = await requests();
    for (let i = 0; i < 4; i++) await newUser();
    const after = await requests();
    // Sign-ups alternate: each process counted its share.
    for (const [i, count] of after.entries()) expect(count - (before[i] ?? 0), `api ${i + 1}`).to.be.at.least(2);
  });

  it('messaging: a direct chat delivers live to both people once, and history reads back', async () => {
    const [a, b] = [await newUser(), await newUser()];
    const chatId = await befriend(system.http, a, b);
    const [aWs, bWs] = [await connect(a), await connect(b)];
    await settle();
    const res = await send(a, chatId, 'hello over the cluster');
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    for (const ws of [aWs, bWs]) await ws.waitFor(isMessage(res.body.id as string));
    await settle();
    for (const ws of [aWs, bWs]) expect(ws.events(isMessage(res.body.id as string))).to.have.length(1);
    expect((await history(b, chatId, '&after=0')).map((m) => m.message)).to.deep.equal(['hello over the cluster']);
    // The writer's own read right after its write sees it, on either api process, wherever it is routed.
    for (const api of apis) expect((await history(a, chatId, '', api)).map((m) => m.message)).to.include('hello over the cluster');
  });

  it('groups: members of a small and a large group get messages live; the chat list shows them', async () => {
    const [owner, m1, m2] = [await newUser(), await newUser(), await newUser()];
    const small = await createGroup(system.http, owner, [m1, m2]);
    const large = await createGroup(system.http, owner, [], { category: 'large' });
    expect((await system.http.post(`/group/${large.id}/members`, { token: owner.token, json: { user_ids: [m1.uid, m2.uid] } })).status).to.be.oneOf([200, 201, 204]);
    const [w1, w2] = [await connect(m1), await connect(m2)];
    await settle();
    for (const group of [small, large]) {
      const res = await send(owner, group.chat_id, `to ${group.id}`);
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      for (const ws of [w1, w2]) await ws.waitFor(isMessage(res.body.id as string));
    }
    const list = await system.http.get('/chats', { token: owner.token });
    expect(list.status).to.equal(200);
    const chatIds = (list.body.chats as { chat_id: string }[]).map((c) => c.chat_id);
    expect(chatIds).to.include.members([small.chat_id, large.chat_id]);
  });

  it('files: an upload downloads byte for byte and travels in a message', async () => {
    const [a, b] = [await newUser(), await newUser()];
    const chatId = await befriend(system.http, a, b);
    const bytes = pngBytes(50_000);
    // Uploaded through one api process, sent and downloaded through the other.
    const up = await uploadRaw(apis[0] as HttpClient, bytes, { token: a.token, name: 'cluster.png' });
    expect(up.status, JSON.stringify(up.body)).to.equal(201);
    const fid = up.body.fid as string;
    const bWs = await connect(b);
    await settle();
    const res = await (apis[1] as HttpClient).post(`/chats/${chatId}/messages`, { token: a.token, json: { client_generated_id: `f-${fid}`, message_type: 'image', message: fid } });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    await bWs.waitFor(isMessage(res.body.id as string));
    const download = await fetch(`${system.apiUrls[1]}/f/fserv/download/${fid}`, { headers: { authorization: `Bearer ${b.token}` } });
    expect(download.status).to.equal(200);
    expect(sha256Hex(Buffer.from(await download.arrayBuffer()))).to.equal(sha256Hex(bytes));
  });

  it('a Redis master fails over during sends: 0 lost, 0 duplicated, 0 seq gaps, and live delivery resumes', async () => {
    const [a, b] = [await newUser(), await newUser()];
    const chatId = await befriend(system.http, a, b);
    const bWs = await connect(b);
    await settle();
    const layout: QueueLayout = { redisPrefix: system.env.REDIS_PREFIX as string, cluster: true, partitions: PARTITIONS };
    const partition = queueNameFor(layout, 'messages', { chat_id: chatId });
    const queueShard = await cluster.shardOf(`{${partition}}`);
    const channelShard = await cluster.shardOf(redisKeys(layout.redisPrefix).userChannel(b.uid));

    const total = 150;
    const ids = Array.from({ length: total }, (_, i) => `fo-${i}-${randomBytes(4).toString('hex')}`);
    const statuses = new Map<number, number>();
    let retries = 0;
    let failovers: { from: number; to: number; ms: number }[] = [];
    /** Sends one message until the api takes it (201, or 202: stored and run later), retrying the same id. */
    const sendUntilTaken = async (i: number) => {
      for (let attempt = 0; attempt < 60; attempt++) {
        const res = await send(a, chatId, `m${i}`, ids[i]).catch(() => ({ status: 0, body: {} }));
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status === 201 || res.status === 202) return;
        retries++;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      throw new Error(`message ${i} was never taken`);
    };
    const started = Date.now();
    let next = 0;
    const sender = async () => {
      for (let i = next++; i < total; i = next++) await sendUntilTaken(i);
    };
    const failing = (async () => {
      await waitFor(() => next >= total / 3, 60_000, 10);
      failovers.push(await cluster.failover(`{${partition}}`));
      if (channelShard.master !== queueShard.master) failovers.push(await cluster.failover(redisKeys(layout.redisPrefix).userChannel(b.uid)));
    })();
    await Promise.all([sender(), sender(), sender(), sender(), failing]);
    const sendMs = Date.now() - started;

    // Every message stored once, seqs 1..total without a gap (read from the primary: a gap fill).
    let stored: { id: string; seq: number; message: string }[] = [];
    await waitFor(async () => {
      stored = [];
      for (let after = 0; ; ) {
        const page = await history(b, chatId, `&after=${after}`);
        stored.push(...page);
        if (page.length < 100) break;
        after = page[page.length - 1]?.seq ?? after;
      }
      return stored.length >= total;
    }, 60_000, 250);
    const texts = stored.map((m) => m.message);
    const lost = Array.from({ length: total }, (_, i) => `m${i}`).filter((t) => !texts.includes(t)).length;
    const duplicated = texts.length - new Set(texts).size;
    const seqs = stored.map((m) => m.seq);
    const gaps = seqs.filter((seq, i) => seq !== i + 1).length;

    // Live delivery resumes: a message sent after the failover arrives on the socket.
    const resumedAt = Date.now();
    const after = await send(a, chatId, 'after the failover');
    expect(after.status, JSON.stringify(after.body)).to.equal(201);
    await bWs.waitFor(isMessage(after.body.id as string), 15_000);
    const resumeMs = Date.now() - resumedAt;
    const liveIds = bWs.events((f) => f.event === 'on_message' && f.data.chat_id === chatId).map((f) => f.data.id as string);
    const resyncs = bWs.events((f) => f.event === 'on_notify' && f.data.type === 'resync').length;
    console.log(
      `      failover: ${JSON.stringify(failovers)}; ${total} sends in ${sendMs} ms (statuses ${JSON.stringify(Object.fromEntries(statuses))}, ${retries} retries); ` +
        `stored ${stored.length}, lost ${lost}, duplicated ${duplicated}, seq gaps ${gaps}; live frames ${liveIds.length - 1}/${total} (${liveIds.length - new Set(liveIds).size} duplicate), ` +
        `resync notices ${resyncs}; live delivery after failover in ${resumeMs} ms`,
    );
    expect(failovers.length).to.be.greaterThan(0);
    expect(lost).to.equal(0);
    expect(duplicated).to.equal(0);
    expect(gaps).to.equal(0);
    expect(stored.length).to.equal(total + 0);
  });

  it('replica lag: with replay paused the writer still reads its own write on either api process; others read the replica until it replays', async () => {
    const [a, b] = [await newUser(), await newUser()];
    const chatId = await befriend(system.http, a, b);
    const first = await send(a, chatId, 'before the pause');
    expect(first.status).to.equal(201);
    // b's last write (the friendship) leaves its read-your-writes window; the replica has everything so far.
    await new Promise((resolve) => setTimeout(resolve, READ_YOUR_WRITES_SECONDS * 1000 + 500));
    await waitFor(async () => (await postgres.lagBytes()) === 0, 10_000, 100);
    await postgres.pauseReplay(true);
    try {
      // Written through the first api process; read back through both (the write's position is shared).
      const res = await (apis[0] as HttpClient).post(`/chats/${chatId}/messages`, { token: a.token, json: { client_generated_id: `topo-${randomBytes(6).toString('hex')}`, message_type: 'text', message: 'during the pause' } });
      expect(res.status).to.equal(201);
      const lag = await postgres.lagBytes();
      const writerSees = await Promise.all(apis.map(async (api) => (await history(a, chatId, '', api)).map((m) => m.message)));
      const otherSees = await Promise.all(apis.map(async (api) => (await history(b, chatId, '', api)).map((m) => m.message)));
      const gapFill = (await history(b, chatId, '&after=0')).map((m) => m.message);
      console.log(`      replica paused, ${lag} bytes behind: writer reads ${JSON.stringify(writerSees)}; other reads ${JSON.stringify(otherSees)}; other's gap fill ${JSON.stringify(gapFill)}`);
      for (const seen of writerSees) expect(seen).to.include('during the pause');
      for (const seen of otherSees) {
        expect(seen).to.include('before the pause');
        expect(seen).not.to.include('during the pause');
      }
      expect(gapFill).to.include('during the pause');
    } finally {
      await postgres.pauseReplay(false);
    }
    await waitFor(async () => (await history(b, chatId)).some((m) => m.message === 'during the pause'), 10_000, 100);
  });
});
