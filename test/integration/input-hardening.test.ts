import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { gzipSync } from 'node:zlib';
import { UnrecoverableError } from 'bullmq';
import { expect } from 'chai';
import { recallMessageJob } from '../../shared/queues/contracts.ts';
import { defineProcessor, dispatcherFor } from '../../workers/processor.ts';
import type { WorkerDeps } from '../../workers/deps.ts';
import { startTestApi, type TestApi } from '../support/api-server.ts';
import { capturingLogger } from '../support/log-capture.ts';
import { befriend, createGroup } from '../support/social.ts';
import { signUp, type TestUser } from '../support/users.ts';
import { startTestWorkers } from '../support/workers.ts';
import { readRefusal } from '../../shared/contracts/job-outcomes.ts';

const INT8_MAX = '9223372036854775807';
const BEYOND = '9223372036854775808'; // 2^63
const NINES = '9999999999999999999'; // 10^19 − 1, the largest the digit pattern allows

/** The fields a 400 names, from its `details`. */
const fieldsOf = (body: { error?: { details?: { field: string }[] } }) => (body.error?.details ?? []).map((d) => d.field);

describe('bad input gets a 4xx in the error shape, never a 500', function () {
  this.timeout(30_000);
  const capture = capturingLogger('info');
  let api: TestApi;
  let workers: Awaited<ReturnType<typeof startTestWorkers>>;
  let a: TestUser;
  let b: TestUser;
  let chatId: string;
  let groupId: string;
  let msgId: string;

  before(async () => {
    api = await startTestApi({}, { log: capture.log });
    workers = await startTestWorkers(api.deps.config, { log: capture.log });
    [a, b] = [await signUp(api.http, { stem: 'hard' }), await signUp(api.http, { stem: 'hard' })];
    chatId = await befriend(api.http, a, b);
    groupId = (await createGroup(api.http, a, [b])).id;
    const sent = await api.http.post(`/chats/${chatId}/messages`, { token: a.token, json: { client_generated_id: 'first', message: 'hi', message_type: 'text' } });
    expect(sent.status).to.equal(201);
    msgId = sent.body.id;
  });
  after(async () => {
    await workers.close();
    await api.close();
  });

  describe('Content-Encoding', () => {
    const login = { username: 'abc', password: '12345678', client_type: 'web' };

    it('a body that is not what its Content-Encoding says is 400 invalid_body, logged at info, on login and on signed-in routes', async () => {
      const res = await api.http.post('/users/auth/login', { raw: JSON.stringify(login), headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } });
      expect(res.status).to.equal(400);
      expect(res.body.error.code).to.equal('invalid_body');
      const truncated = gzipSync(JSON.stringify({ client_generated_id: 'x1', message: 'hi', message_type: 'text' })).subarray(0, 12);
      const send = await api.http.post(`/chats/${chatId}/messages`, { token: a.token, raw: truncated, headers: { 'content-type': 'application/json', 'content-encoding': 'deflate' } });
      expect(send.status).to.equal(400);
      expect(send.body.error.code).to.equal('invalid_body');
      const brotli = await api.http.post('/users/auth/login', { raw: JSON.stringify(login), headers: { 'content-type': 'application/json', 'content-encoding': 'br' } });
      expect(brotli.status).to.equal(400);
      expect(brotli.body.error.code).to.equal('invalid_body');
      const lines = capture.lines.filter((l) => l.msg === 'request' && l.status === 400);
      expect(lines).to.have.length(3);
      expect(capture.errors().filter((l) => l.requestId !== undefined)).to.deep.equal([]);
      expect(lines.every((l) => l.level === 30)).to.equal(true);
    });

    it('an unknown Content-Encoding is 415', async () => {
      const res = await api.http.post('/users/auth/login', { raw: JSON.stringify(login), headers: { 'content-type': 'application/json', 'content-encoding': 'zstd' } });
      expect(res.status).to.equal(415);
      expect(res.body.error.code).to.equal('unsupported_media_type');
    });

    it('a real gzip body still works', async () => {
      const username = `gz_${randomBytes(4).toString('hex')}`;
      const res = await api.http.post('/users/auth/register', {
        raw: gzipSync(JSON.stringify({ username, password: 'correct horse' })),
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect(res.body.username).to.equal(username);
    });

    it('a gzip bomb (small on the wire, over the limit inflated) is 413', async () => {
      const bomb = gzipSync(`{"username":"${'a'.repeat(2_000_000)}"}`);
      expect(bomb.length).to.be.lessThan(api.deps.config.api.jsonLimitBytes);
      const res = await api.http.post('/users/auth/login', { raw: bomb, headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } });
      expect(res.status).to.equal(413);
      expect(res.body.error.code).to.equal('payload_too_large');
    });
  });

  describe('ids beyond PostgreSQL bigint', () => {
    it('path ids and cursors between 2^63 and 10^19−1 are 400 invalid_input on every kind of route', async () => {
      const cases: [string, string, Record<string, unknown>?][] = [
        ['GET', `/chats/${BEYOND}/messages`],
        ['GET', `/chats/${chatId}/messages?before=${NINES}`],
        ['POST', `/chats/${BEYOND}/read`, { seq: 1 }],
        ['GET', `/group/${BEYOND}`],
        ['GET', `/group/${NINES}/members`],
        ['DELETE', `/group/${BEYOND}`],
        ['GET', `/group/search?q=x&cursor=${BEYOND}`],
        ['POST', `/friend/requests/${BEYOND}/accept`],
        ['POST', `/friend/requests/${NINES}/reject`],
        ['GET', `/users/notifications?after=${BEYOND}`],
        ['POST', `/group/${groupId}/members/applications/${BEYOND}/approve`],
      ];
      for (const [method, path, json] of cases) {
        const res = await api.http.request(method, path, { token: a.token, json });
        expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).to.equal(400);
        expect(res.body.error.code).to.equal('invalid_input');
        expect(res.body.error.details[0].message, `${method} ${path}`).to.contain(INT8_MAX);
      }
    });

    it('the largest bigint is a well-formed id: an unknown one is 404', async () => {
      for (const path of [`/chats/${INT8_MAX}/messages`, `/group/${INT8_MAX}`]) {
        const res = await api.http.get(path, { token: a.token });
        expect(res.status, path).to.equal(404);
      }
    });

    it('send, recall and reactions refuse such ids at once instead of queueing them', async () => {
      const sends = [
        { reply_to_id: BEYOND, message: 'x', message_type: 'text' },
        { reply_root_id: NINES, message: 'x', message_type: 'text' },
        { forward_from_id: BEYOND },
      ];
      for (const body of sends) {
        const res = await api.http.post(`/chats/${chatId}/messages`, { token: a.token, json: { client_generated_id: `c${randomBytes(4).toString('hex')}`, ...body } });
        expect(res.status, JSON.stringify(body)).to.equal(400);
        expect(res.body.error.code).to.equal('invalid_input');
      }
      const recall = await api.http.post('/chats/message/recall', { token: a.token, json: { msg_id: BEYOND } });
      expect(recall.status).to.equal(400);
      const react = await api.http.post(`/chats/${chatId}/messages/${BEYOND}/reactions`, { token: a.token, json: { emoji: 'ok' } });
      expect(react.status).to.equal(400);
      const unreact = await api.http.delete(`/chats/${chatId}/messages/${NINES}/reactions/ok`, { token: a.token });
      expect(unreact.status).to.equal(400);
      for (const queue of [api.deps.queues.messages, api.deps.queues['message-actions']]) {
        const queued = await queue.getJobCounts('waiting', 'delayed', 'active', 'failed');
        expect(queued, queue.name).to.deep.equal({ waiting: 0, delayed: 0, active: 0, failed: 0 });
      }
    });

    it('a worker treats a job naming such an id, or a PostgreSQL data error, as final (no retries)', async () => {
      const run = dispatcherFor('messages', [defineProcessor(recallMessageJob, async (data, deps) => deps.db.raw('select ?::bigint', [data.msg_id]))], workers.deps as WorkerDeps);
      const job = (data: unknown) => ({ name: recallMessageJob.name, data }) as Parameters<typeof run>[0];
      const base = { uid: a.uid, requested_at: new Date().toISOString() };
      let failure: unknown = await run(job({ ...base, msg_id: BEYOND })).catch((err: unknown) => err);
      expect(failure).to.be.instanceOf(UnrecoverableError);

      // The database's own refusal of data (22003, numeric value out of range) is final too.
      const overflow = dispatcherFor('messages', [defineProcessor(recallMessageJob, async (_data, deps) => deps.db.raw(`select ('${BEYOND}')::bigint`))], workers.deps as WorkerDeps);
      failure = await overflow(job({ ...base, msg_id: '1' })).catch((err: unknown) => err);
      expect(failure).to.be.instanceOf(UnrecoverableError);
      expect(readRefusal((failure as Error).message)).to.deep.include({ status: 400, code: 'invalid_input' });
    });
  });

  describe('NUL and lone surrogates', () => {
    it('a NUL in a query or the login username is 400 invalid_input naming the field', async () => {
      for (const path of ['/users/search?q=a%00b', '/group/search?q=a%00b']) {
        const res = await api.http.get(path, { token: a.token });
        expect(res.status, path).to.equal(400);
        expect(res.body.error.code).to.equal('invalid_input');
        expect(fieldsOf(res.body)).to.deep.equal(['q']);
      }
      const login = await api.http.post('/users/auth/login', { json: { username: 'a\u0000b', password: '12345678', client_type: 'web' } });
      expect(login.status).to.equal(400);
      expect(fieldsOf(login.body)).to.deep.equal(['username']);
      const reaction = await api.http.delete(`/chats/${chatId}/messages/${msgId}/reactions/a%00`, { token: a.token });
      expect(reaction.status).to.equal(400);
      expect(fieldsOf(reaction.body)).to.deep.equal(['emoji']);
    });

    it('a lone surrogate in a message is 400 naming the field, and the first send is never called a reuse', async () => {
      const id = `s${randomBytes(4).toString('hex')}`;
      const bad = await api.http.post(`/chats/${chatId}/messages`, { token: a.token, json: { client_generated_id: id, message: 'x\ud800y', message_type: 'text' } });
      expect(bad.status).to.equal(400);
      expect(bad.body.error.code).to.equal('invalid_input');
      expect(fieldsOf(bad.body)).to.deep.equal(['message']);
      // The same id is still free: nothing was stored or queued for it.
      const good = await api.http.post(`/chats/${chatId}/messages`, { token: a.token, json: { client_generated_id: id, message: 'x\u{1F600}y', message_type: 'text' } });
      expect(good.status, JSON.stringify(good.body)).to.equal(201);
      expect(good.body.message).to.equal('x\u{1F600}y');
    });

    it('lone surrogates in nickname, bio, group name and emoji are refused, not stored as U+FFFD', async () => {
      const profile = await api.http.put('/users/profile', { token: a.token, json: { nickname: 'n\udc00', bio: '\ud800' } });
      expect(profile.status).to.equal(400);
      expect(fieldsOf(profile.body).sort()).to.deep.equal(['bio', 'nickname']);
      const group = await api.http.post('/group', { token: a.token, json: { name: 'g\ud83d' } });
      expect(group.status).to.equal(400);
      expect(fieldsOf(group.body)).to.deep.equal(['name']);
      const react = await api.http.post(`/chats/${chatId}/messages/${msgId}/reactions`, { token: a.token, json: { emoji: '\ud83d' } });
      expect(react.status).to.equal(400);
      expect(fieldsOf(react.body)).to.deep.equal(['emoji']);
      const members = await api.http.post(`/group/${groupId}/members`, { token: a.token, json: { user_ids: ['\udfff'] } });
      expect(fieldsOf(members.body)).to.deep.equal(['user_ids.0']);
    });
  });

  describe('uploads', () => {
    it('a multipart body that ends inside its file part is 400, and the api keeps answering', async () => {
      const boundary = 'cut';
      const res = await api.http.post('/fserv/upload', {
        token: a.token,
        raw: `--${boundary}\r\nContent-Disposition: form-data; name="f"; filename="x"\r\n\r\nunfinished`,
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      });
      expect(res.status).to.equal(400);
      expect(res.body.error.code).to.equal('invalid_multipart');
      expect((await api.http.get('/healthz')).status).to.equal(200);
    });
  });

  describe('requests the HTTP parser refuses', () => {
    it('a URL over the header limit is 431 with the standard error body', async () => {
      const { status, body, contentType } = await new Promise<{ status: number; body: string; contentType: string }>((resolve, reject) => {
        const url = new URL(api.http.baseUrl);
        const req = httpRequest({ host: url.hostname, port: url.port, path: `/users/search?q=${'a'.repeat(20_000)}`, method: 'GET' }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, contentType: String(res.headers['content-type']) }));
        });
        req.on('error', reject);
        req.end();
      });
      expect(status).to.equal(431);
      expect(contentType).to.contain('application/json');
      expect(JSON.parse(body)).to.deep.equal({ error: { code: 'headers_too_large', message: 'The URL or headers are too large' } });
    });
  });

  // Mocha runs a suite's own tests before its nested suites: this one sits in a suite of its own to run last.
  describe('afterwards', () => {
    it('logged nothing at error level for any of these client mistakes', () => {
      expect(capture.errors(), JSON.stringify(capture.errors())).to.deep.equal([]);
    });
  });
});
