import { expect } from 'chai';
import type { Job } from 'bullmq';
import { DEV_OPERATOR_PASSWORD } from '../../shared/config.ts';
import { pingJob, QUEUE_NAMES } from '../../shared/queues/contracts.ts';
import { startTestApi, type TestApi } from '../support/api-server.ts';
import { parseMetrics, sampleValue } from '../support/metrics.ts';
import { waitFor } from '../support/system.ts';
import { startTestWorkers } from '../support/workers.ts';

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('queue board at /admin/queues', function () {
  this.timeout(30_000);
  let api: TestApi;
  let workers: Awaited<ReturnType<typeof startTestWorkers>>;
  const operator = { authorization: basic('ops', 'a long operator password') };
  before(async () => {
    api = await startTestApi({ OPERATOR_USER: 'ops', OPERATOR_PASSWORD: 'a long operator password' });
    workers = await startTestWorkers(api.deps.config);
  });
  after(async () => {
    await workers?.close();
    await api?.close();
  });

  const settled = async (job: Job) => {
    await waitFor(async () => (await job.isCompleted()) || (await job.isFailed()), 10_000);
    return api.deps.queues.system.getJob(job.id as string);
  };

  it('refuses missing, wrong and malformed credentials with 401 and WWW-Authenticate', async () => {
    const attempts: Record<string, string>[] = [
      {},
      { authorization: basic('ops', 'wrong password') },
      { authorization: basic('someone', 'a long operator password') },
      { authorization: basic('ops', DEV_OPERATOR_PASSWORD) },
      { authorization: 'Basic !!!' },
      { authorization: `Basic ${Buffer.from('no-colon').toString('base64')}` },
      { authorization: 'Bearer a-user-token' },
    ];
    for (const headers of attempts) {
      for (const path of ['/admin/queues', '/admin/queues/api/queues', '/admin/queues/static/favicon-32x32.png']) {
        const res = await api.http.get(path, { headers });
        expect(res.status, `${path} ${JSON.stringify(headers)}`).to.equal(401);
        expect(res.headers.get('www-authenticate')).to.match(/^Basic realm="wetty operators"/);
        expect(res.body.error.code).to.equal('unauthorized');
      }
      const action = await api.http.put('/admin/queues/api/queues/system/pause', { headers });
      expect(action.status).to.equal(401);
    }
  });

  it('serves the dashboard page and lists every queue to an operator', async () => {
    const page = await api.http.get('/admin/queues', { headers: operator });
    expect(page.status).to.equal(200);
    expect(page.headers.get('content-type')).to.contain('text/html');
    expect(page.body).to.contain('Wetty queues');
    const list = await api.http.get('/admin/queues/api/queues', { headers: operator });
    expect(list.status).to.equal(200);
    expect(list.body.queues.map((q: { name: string }) => q.name).sort()).to.deep.equal([...QUEUE_NAMES].sort());
  });

  it('retries a failed job through the board API, with data fixed through its JSON body parser', async () => {
    const bad = await api.deps.queues.system.add(pingJob.name, { sent_at: 'not a time' });
    expect(await (await settled(bad))?.getState()).to.equal('failed');

    const sent_at = new Date().toISOString();
    const base = `/admin/queues/api/queues/system/${bad.id}`;
    const fixed = await api.http.request('PATCH', `${base}/update-data`, { headers: operator, json: { jobData: { sent_at } } });
    expect(fixed.status).to.equal(200);
    const retried = await api.http.put(`${base}/retry`, { headers: operator });
    expect(retried.status).to.equal(204);

    const done = await settled(bad);
    expect(await done?.getState()).to.equal('completed');
    expect(done?.returnvalue.sent_at).to.equal(sent_at);

    const samples = parseMetrics(await workers.deps.metrics.registry.metrics());
    expect(sampleValue(samples, 'wetty_job_failures_total', { queue: 'system', final: 'true' })).to.equal(1);
    expect(sampleValue(samples, 'wetty_job_retries_total', { queue: 'system' })).to.equal(1);
    expect(sampleValue(samples, 'wetty_job_processing_seconds_count', { queue: 'system', outcome: 'completed' })).to.be.at.least(1);
    expect(sampleValue(samples, 'wetty_job_wait_seconds_count', { queue: 'system' })).to.be.at.least(1);
  });

  it('cleans a finished job through the board API', async () => {
    const job = await api.deps.queues.system.add(pingJob.name, { sent_at: new Date().toISOString() });
    await settled(job);
    const cleaned = await api.http.put(`/admin/queues/api/queues/system/${job.id}/clean`, { headers: operator });
    expect(cleaned.status).to.equal(204);
    expect(await api.deps.queues.system.getJob(job.id as string)).to.equal(undefined);
  });

  it('answers the board\'s own 404 for an unknown queue, not a 500', async () => {
    const res = await api.http.get('/admin/queues/api/queues/nope/1', { headers: operator });
    expect(res.status).to.equal(404);
  });

  it('counts board requests under the mount path, not per job id', async () => {
    const samples = parseMetrics(await api.deps.metrics.registry.metrics());
    expect(sampleValue(samples, 'wetty_http_requests_total', { route: '/admin/queues', status: '401' })).to.be.greaterThan(0);
    expect(samples.filter((s) => s.name === 'wetty_http_requests_total' && s.labels.route?.includes('/api/queues/'))).to.deep.equal([]);
  });
});
