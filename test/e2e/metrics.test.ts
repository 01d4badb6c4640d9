import { expect } from 'chai';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { pingJob, QUEUE_NAMES } from '../../shared/queues/contracts.ts';
import { scrape, sampleValue, type Sample } from '../support/metrics.ts';
import { startSystem, waitFor, type RunningSystem } from '../support/system.ts';
import { befriend } from '../support/social.ts';
import { signUp } from '../support/users.ts';
import { connectWs, type WsConnection } from '../support/ws-client.ts';

/** Every series the product defines; each role's /metrics describes them all (HELP lines). */
const DEFINED = [
  'wetty_http_requests_total', 'wetty_http_request_duration_seconds',
  'wetty_queue_jobs', 'wetty_job_wait_seconds', 'wetty_job_processing_seconds', 'wetty_job_failures_total', 'wetty_job_retries_total',
  'wetty_gate_refusals_total', 'wetty_send_to_persist_seconds', 'wetty_persist_to_push_seconds',
  'wetty_realtime_sockets_connected', 'wetty_realtime_messages_pushed_total', 'wetty_realtime_slow_sockets_dropped_total', 'wetty_realtime_resyncs_total',
  'wetty_realtime_sockets_limited_total',
  'wetty_device_pushes_total', 'wetty_pushes_skipped_total',
];

describe('metrics: /metrics on every role\'s ops port (real processes)', function () {
  this.timeout(90_000);
  let system: RunningSystem;
  let ws: WsConnection;
  let uid: string;
  before(async () => {
    system = await startSystem();
    // Traffic on every role: HTTP on the api, a socket on the realtime node, a job on a worker.
    const user = await signUp(system.http, { stem: 'metrics' });
    uid = user.uid;
    expect((await system.http.get(`/users/${uid}`, { token: user.token })).status).to.equal(200);
    expect((await system.http.get('/users/not-a-uid', { token: user.token })).status).to.equal(400);
    expect((await system.http.get(`/no/such/path/${uid}`)).status).to.equal(404);
    ws = await connectWs(`${system.wsUrl}?uid=${uid}&token=${user.token}`);

    const connection = new Redis(system.env.REDIS_URL as string, { maxRetriesPerRequest: null });
    const queue = new Queue(pingJob.queue, { connection, prefix: `${system.env.REDIS_PREFIX}:bull` });
    try {
      const job = await queue.add(pingJob.name, { sent_at: new Date().toISOString() });
      await waitFor(() => job.isCompleted(), 10_000);
    } finally {
      await queue.close();
      await connection.quit();
    }
  });
  after(async () => {
    ws?.close();
    await system?.stop();
  });

  const described = async (url: string) => {
    const text = await (await fetch(`${url}/metrics`)).text();
    return DEFINED.filter((name) => !text.includes(`# HELP ${name} `));
  };

  it('api: requests by route template and status, latency, process metrics; nothing on the public port', async () => {
    const samples = await scrape(system.apiOpsUrl);
    expect(sampleValue(samples, 'wetty_http_requests_total', { method: 'POST', route: '/users/auth/register', status: '201', role: 'api' })).to.equal(1);
    expect(sampleValue(samples, 'wetty_http_requests_total', { method: 'GET', route: '/users/:uid', status: '200' })).to.equal(1);
    expect(sampleValue(samples, 'wetty_http_requests_total', { method: 'GET', route: '/users/:uid', status: '400' })).to.equal(1);
    expect(sampleValue(samples, 'wetty_http_requests_total', { method: 'GET', route: 'unmatched', status: '404' })).to.equal(1);
    expect(sampleValue(samples, 'wetty_http_request_duration_seconds_count', { route: '/users/auth/login', status: '200' })).to.equal(1);
    expect(sampleValue(samples, 'wetty_http_request_duration_seconds_sum', { route: '/users/auth/login' })).to.be.greaterThan(0);
    expect(samples.filter((s) => s.labels.route?.includes(uid)), 'no raw paths as labels').to.deep.equal([]);
    expectProcessMetrics(samples, 'api');
    expect((await system.http.get('/metrics')).status).to.equal(404);
    expect(await described(system.apiOpsUrl)).to.deep.equal([]);
  });

  it('workers: queue depth per state, wait and processing time of jobs', async () => {
    const samples = await scrape(system.workerOpsUrl(0));
    expect(sampleValue(samples, 'wetty_queue_jobs', { queue: 'system', state: 'completed', role: 'workers' })).to.be.at.least(1);
    expect(samples.filter((s) => s.name === 'wetty_queue_jobs' && s.labels.queue === 'system').map((s) => s.labels.state).sort()).to.deep.equal(
      ['active', 'completed', 'delayed', 'failed', 'prioritized', 'waiting', 'waiting-children'],
    );
    expect(new Set(samples.filter((s) => s.name === 'wetty_queue_jobs').map((s) => s.labels.queue))).to.deep.equal(new Set(QUEUE_NAMES));
    expect(sampleValue(samples, 'wetty_job_processing_seconds_count', { queue: 'system', outcome: 'completed' })).to.be.at.least(1);
    expect(sampleValue(samples, 'wetty_job_wait_seconds_count', { queue: 'system' })).to.be.at.least(1);
    expectProcessMetrics(samples, 'workers');
    expect(await described(system.workerOpsUrl(0))).to.deep.equal([]);
  });

  it('realtime: sockets connected on this node, up and down', async () => {
    const connected = async () => sampleValue(await scrape(system.realtimeOpsUrl(0)), 'wetty_realtime_sockets_connected', { role: 'realtime' });
    expect(await connected()).to.equal(1);
    ws.close();
    await ws.closed;
    await waitFor(async () => (await connected()) === 0, 5_000);
    expectProcessMetrics(await scrape(system.realtimeOpsUrl(0)), 'realtime');
    expect(await described(system.realtimeOpsUrl(0))).to.deep.equal([]);
  });
});

describe('metrics of the send path (real processes)', function () {
  this.timeout(90_000);
  let system: RunningSystem;
  before(async () => {
    system = await startSystem();
  });
  after(async () => {
    await system?.stop();
  });

  it('counts gate refusals and times send→persist on workers, and pushes and persist→push on realtime', async () => {
    const [a, b, stranger] = [await signUp(system.http, { stem: 'mm' }), await signUp(system.http, { stem: 'mm' }), await signUp(system.http, { stem: 'mm' })];
    const chatId = await befriend(system.http, a, b);
    const ws = await connectWs(`${system.wsUrl}?uid=${b.uid}&token=${b.token}`);
    await new Promise((resolve) => setTimeout(resolve, 150));
    const send = (user: typeof a) =>
      system.http.post(`/chats/${chatId}/messages`, { token: user.token, json: { client_generated_id: `m-${user.uid.slice(0, 8)}`, message_type: 'text', message: 'measured' } });
    expect((await send(a)).status).to.equal(201);
    expect((await send(stranger)).status).to.equal(403);
    await ws.waitFor((f) => f.event === 'on_message');
    ws.close();

    const workers = await scrape(system.workerOpsUrl(0));
    expect(sampleValue(workers, 'wetty_gate_refusals_total', { code: 'not_member' })).to.equal(1);
    expect(sampleValue(workers, 'wetty_send_to_persist_seconds_count', {})).to.equal(1);
    await waitFor(async () => sampleValue(await scrape(system.realtimeOpsUrl(0)), 'wetty_persist_to_push_seconds_count', {}) === 1, 5000);
    const realtime = await scrape(system.realtimeOpsUrl(0));
    expect(sampleValue(realtime, 'wetty_realtime_messages_pushed_total', { event: 'on_message' })).to.equal(1);
  });
});

function expectProcessMetrics(samples: Sample[], role: string): void {
  expect(sampleValue(samples, 'process_cpu_user_seconds_total', { role })).to.be.greaterThan(0);
  expect(sampleValue(samples, 'process_resident_memory_bytes', { role })).to.be.greaterThan(0);
  expect(sampleValue(samples, 'nodejs_eventloop_lag_seconds', { role })).to.be.at.least(0);
}
