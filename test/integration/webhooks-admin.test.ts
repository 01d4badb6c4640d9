import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import type { Config } from '../../shared/config.ts';
import { startTestApi, type TestApi } from '../support/api-server.ts';
import { waitFor } from '../support/system.ts';
import { signUp } from '../support/users.ts';
import { signatureIsValid, startReceiver, type Receiver } from '../support/webhook-receiver.ts';
import { startTestWorkers } from '../support/workers.ts';

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const operator = { authorization: basic('ops', 'a long operator password') };
const OPERATOR_ENV = { OPERATOR_USER: 'ops', OPERATOR_PASSWORD: 'a long operator password' };

describe('webhook endpoints at /admin/webhooks', function () {
  this.timeout(30_000);
  let api: TestApi;
  let receiver: Receiver;
  const configSecret = `config-secret-${randomBytes(8).toString('hex')}`;
  before(async () => {
    receiver = await startReceiver();
    api = await startTestApi({
      ...OPERATOR_ENV,
      WEBHOOK_ALLOW_PRIVATE: 'true',
      WEBHOOKS: JSON.stringify([{ url: `${receiver.url}?from=config`, events: ['user.registered'], secret: configSecret }]),
    });
  });
  after(async () => {
    // The database is shared by the run's test files: leave no endpoint for their events.
    await api?.deps.db('webhook_endpoints').where('url', 'like', `${receiver.url}%`).delete();
    await api?.close();
    await receiver?.close();
  });

  it('refuses every request without operator credentials: 401 with WWW-Authenticate', async () => {
    const user = await signUp(api.http);
    const endpointsBefore = await api.deps.db('webhook_endpoints').count<{ count: string }[]>('* as count');
    const attempts: Record<string, string>[] = [
      {},
      { authorization: basic('ops', 'wrong password') },
      { authorization: basic('someone', 'a long operator password') },
      { authorization: `Bearer ${user.token}` },
      { authorization: 'Basic !!!' },
    ];
    for (const headers of attempts) {
      for (const [method, path] of [['POST', '/admin/webhooks'], ['GET', '/admin/webhooks'], ['DELETE', '/admin/webhooks/1'], ['POST', '/admin/webhooks/1/test']] as const) {
        const res = await api.http.request(method, path, { headers, json: method === 'POST' ? { url: receiver.url, events: ['message.created'] } : undefined });
        expect(res.status, `${method} ${path} ${JSON.stringify(headers)}`).to.equal(401);
        expect(res.headers.get('www-authenticate')).to.match(/^Basic realm="wetty operators"/);
        expect(res.body.error.code).to.equal('unauthorized');
      }
    }
    expect(await api.deps.db('webhook_endpoints').count<{ count: string }[]>('* as count')).to.deep.equal(endpointsBefore);
  });

  it('registers an endpoint with a generated secret answered once, lists it without secrets, tests it and removes it', async () => {
    const created = await api.http.post('/admin/webhooks', { headers: operator, json: { url: receiver.url, events: ['message.created', 'message.created', 'member.joined'] } });
    expect(created.status).to.equal(201);
    expect(created.body).to.include({ url: receiver.url, source: 'api' });
    expect(created.body.events).to.deep.equal(['message.created', 'member.joined']);
    expect(created.body.secret).to.match(/^whsec_[A-Za-z0-9_-]{32}$/);
    const id: string = created.body.id;

    const list = await api.http.get('/admin/webhooks', { headers: operator });
    expect(list.status).to.equal(200);
    expect(JSON.stringify(list.body)).to.not.contain(created.body.secret).and.not.contain(configSecret);
    expect(list.body.webhooks.map((w: { id: string; source: string }) => w.source)).to.include.members(['config', 'api']);
    expect(list.body.webhooks.find((w: { id: string }) => w.id === id)).to.deep.equal({ id, url: receiver.url, events: ['message.created', 'member.joined'], source: 'api' });

    const before = receiver.received.length;
    const tested = await api.http.post(`/admin/webhooks/${id}/test`, { headers: operator });
    expect(tested.status).to.equal(200);
    expect(tested.body).to.include({ delivered: true, status: 200 });
    const request = receiver.received[before];
    expect(request?.json.type).to.equal('webhook.test');
    expect(request?.json.id).to.equal(tested.body.event_id);
    expect(request?.headers['x-wetty-event']).to.equal('webhook.test');
    expect(signatureIsValid(created.body.secret, request as NonNullable<typeof request>)).to.equal(true);

    expect((await api.http.delete(`/admin/webhooks/${id}`, { headers: operator })).status).to.equal(204);
    expect((await api.http.delete(`/admin/webhooks/${id}`, { headers: operator })).status).to.equal(404);
    expect((await api.http.post(`/admin/webhooks/${id}/test`, { headers: operator })).status).to.equal(404);
    expect((await api.http.delete('/admin/webhooks/99999999', { headers: operator })).body.error.code).to.equal('not_found');
  });

  it('keeps a given secret, and refuses invalid registrations with 400', async () => {
    const secret = `my-own-secret-${randomBytes(6).toString('hex')}`;
    const created = await api.http.post('/admin/webhooks', { headers: operator, json: { url: receiver.url, events: ['group.created'], secret } });
    expect(created.status).to.equal(201);
    expect(created.body.secret).to.equal(secret);
    const invalid: unknown[] = [
      {},
      { url: receiver.url },
      { url: receiver.url, events: [] },
      { url: receiver.url, events: ['message.exploded'] },
      { url: 'ftp://example.com/hook', events: ['message.created'] },
      { url: 'not a url', events: ['message.created'] },
      { url: receiver.url, events: ['message.created'], secret: 'short' },
      { url: receiver.url, events: ['message.created'], extra: true },
      { url: receiver.url, events: 'message.created' },
    ];
    for (const json of invalid) {
      const res = await api.http.post('/admin/webhooks', { headers: operator, json });
      expect(res.status, JSON.stringify(json)).to.equal(400);
      expect(res.body.error.code).to.equal('invalid_input');
    }
    expect((await api.http.post('/admin/webhooks', { headers: { ...operator, 'content-type': 'application/json' }, raw: '{not json' })).status).to.equal(400);
    for (const id of ['abc', '-1', '99999999999999999999']) {
      expect((await api.http.delete(`/admin/webhooks/${id}`, { headers: operator })).status, id).to.be.oneOf([400, 404]);
    }
  });

  it('lists endpoints from WEBHOOKS, tests them, and refuses to delete them (409 configured_webhook)', async () => {
    const list = await api.http.get('/admin/webhooks', { headers: operator });
    const configured = list.body.webhooks.find((w: { source: string }) => w.source === 'config');
    expect(configured).to.deep.include({ url: `${receiver.url}?from=config`, events: ['user.registered'] });
    const removed = await api.http.delete(`/admin/webhooks/${configured.id}`, { headers: operator });
    expect(removed.status).to.equal(409);
    expect(removed.body.error.code).to.equal('configured_webhook');
    const before = receiver.received.length;
    expect((await api.http.post(`/admin/webhooks/${configured.id}/test`, { headers: operator })).body.delivered).to.equal(true);
    expect(signatureIsValid(configSecret, receiver.received[before] as NonNullable<(typeof receiver.received)[number]>)).to.equal(true);
  });
});

describe('webhooks refuse loopback and private addresses without WEBHOOK_ALLOW_PRIVATE', function () {
  this.timeout(30_000);
  let receiver: Receiver;
  before(async () => {
    receiver = await startReceiver();
  });
  after(async () => receiver?.close());

  it('refuses them at registration, however they are spelled (400 private_address)', async () => {
    const api = await startTestApi(OPERATOR_ENV);
    try {
      const urls = [
        receiver.url,
        `http://localhost:${receiver.port}/hook`,
        `http://[::1]:${receiver.port}/hook`,
        `http://[::ffff:127.0.0.1]:${receiver.port}/hook`,
        `http://2130706433:${receiver.port}/hook`,
        `http://0x7f.1:${receiver.port}/hook`,
        'http://10.1.2.3/hook',
        'http://192.168.0.10/hook',
        'http://169.254.169.254/latest/meta-data',
        'http://[fd00::1]/hook',
        'http://0.0.0.0/hook',
      ];
      for (const url of urls) {
        const res = await api.http.post('/admin/webhooks', { headers: operator, json: { url, events: ['message.created'] } });
        expect(res.status, url).to.equal(400);
        expect(res.body.error.code, url).to.equal('private_address');
      }
      expect(receiver.received).to.have.length(0);
    } finally {
      await api.close();
    }
  });

  it('refuses them at delivery, on the address it would connect to: the job fails for good and stays retryable on the board', async () => {
    // Registered where private addresses are allowed; delivered by workers where they are not.
    const api = await startTestApi({ ...OPERATOR_ENV, WEBHOOK_ALLOW_PRIVATE: 'true' });
    const strict: Config = { ...api.deps.config, webhooks: { ...api.deps.config.webhooks, allowPrivate: false } };
    const workers = await startTestWorkers(strict);
    const created = await api.http.post('/admin/webhooks', { headers: operator, json: { url: `http://localhost:${receiver.port}/hook`, events: ['user.registered'] } });
    try {
      expect(created.status).to.equal(201);
      await signUp(api.http);
      const queue = api.deps.queues.webhooks;
      await waitFor(async () => (await queue.getFailedCount()) > 0, 10_000);
      const [failed] = await queue.getFailed();
      expect(failed?.failedReason).to.match(/loopback or private address/);
      expect(failed?.attemptsMade).to.equal(1);
      expect(receiver.received).to.have.length(0);
    } finally {
      await api.deps.db('webhook_endpoints').where({ id: created.body.id }).delete();
      await workers.close();
      await api.close();
    }
  });
});
