import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { signInternalKey } from '../../shared/auth/internal-jwt.ts';
import { internalSecret } from '../../shared/config.ts';
import { startTestApi, type TestApi } from '../support/api-server.ts';
import { multipart, uploadRaw } from '../support/files.ts';
import type { HttpResult } from '../support/http-client.ts';
import { createGroup, notificationsOf } from '../support/social.ts';
import { signUp, type TestUser } from '../support/users.ts';

const cgid = () => `lim-${randomBytes(6).toString('hex')}`;

function expectRateLimited(res: HttpResult, maxRetryAfter: number): void {
  expect(res.status, JSON.stringify(res.body)).to.equal(429);
  expect(res.body.error.code).to.equal('rate_limited');
  expect(Number(res.headers.get('retry-after'))).to.be.within(1, maxRetryAfter);
}

/** Per-user limits of the api: the user past a limit gets 429; other users, and other limits, do not. */
describe('per-user limits', () => {
  describe('with small limits', () => {
    let api: TestApi;
    before(async () => {
      api = await startTestApi({
        API_JOB_WAIT_MS: '1', // sends answer 202 queued at once: no workers needed to count them
        SEND_BURST_MAX: '3',
        SEND_BURST_WINDOW_SECONDS: '600',
        FRIEND_REQUESTS_PER_DAY: '3',
        GROUP_ADDITIONS_PER_HOUR: '5',
        UPLOADS_PER_HOUR: '2',
      });
    });
    after(() => api.close());

    const send = (user: TestUser, chatId: string, id = cgid()) =>
      api.http.post(`/chats/${chatId}/messages`, { token: user.token, json: { client_generated_id: id, message: 'hello', message_type: 'text' } });

    it('refuses sends past the burst before they are enqueued; another member still sends', async () => {
      const [a, b] = [await signUp(api.http), await signUp(api.http)];
      const group = await createGroup(api.http, a, [b]);
      for (let i = 0; i < 3; i++) expect((await send(a, group.chat_id)).status).to.equal(202);
      const refusedId = cgid();
      const refused = await send(a, group.chat_id, refusedId);
      expectRateLimited(refused, 600);
      const queued = (await api.deps.queues.messages.getJobs(['waiting', 'delayed', 'active'])).flatMap((job) => (job.data as { sends?: { client_generated_id: string; sender_uid: string }[] }).sends ?? []);
      expect(queued.filter((s) => s.sender_uid === a.uid), 'the accepted sends are queued').to.have.length(3);
      expect(queued.map((s) => s.client_generated_id)).to.not.include(refusedId);
      expect((await send(b, group.chat_id)).status).to.equal(202);
    });

    it('refuses friend requests past the day\'s limit, and the target hears nothing; others still ask', async () => {
      const [a, c] = [await signUp(api.http), await signUp(api.http)];
      const targets = [await signUp(api.http), await signUp(api.http), await signUp(api.http), await signUp(api.http)];
      const apply = (from: TestUser, to: TestUser) => api.http.post('/friend/apply', { token: from.token, json: { target_user_id: to.uid, apply_msg: 'hi' } });
      for (const target of targets.slice(0, 3)) expect((await apply(a, target)).status).to.equal(201);
      const last = targets[3] as TestUser;
      expectRateLimited(await apply(a, last), 24 * 3600);
      expect(await notificationsOf(api.http, last, 'friend_request')).to.have.length(0);
      expect((await apply(c, last)).status).to.equal(201);
      expect(await notificationsOf(api.http, last, 'friend_request')).to.have.length(1);
    });

    it('counts each user added to groups: a request past the hour\'s allowance adds nobody; another owner still adds', async () => {
      const [owner, other] = [await signUp(api.http), await signUp(api.http)];
      const people = await Promise.all(Array.from({ length: 6 }, () => signUp(api.http)));
      const group = await createGroup(api.http, owner);
      const add = (by: TestUser, groupId: string, users: TestUser[]) => api.http.post(`/group/${groupId}/members`, { token: by.token, json: { user_ids: users.map((u) => u.uid) } });

      expect((await add(owner, group.id, people.slice(0, 3))).status).to.equal(200);
      expectRateLimited(await add(owner, group.id, people.slice(3, 6)), 3600); // 3 + 3 > 5
      expect(await notificationsOf(api.http, people[3] as TestUser, 'added_to_group')).to.have.length(0);
      expect(await api.deps.db('chat_members').where({ chat_id: group.chat_id }).whereIn('uid', people.slice(3).map((p) => p.uid))).to.have.length(0);
      expect((await add(owner, group.id, people.slice(3, 5))).status).to.equal(200); // exactly 5
      expectRateLimited(await add(owner, group.id, people.slice(5, 6)), 3600);

      const otherGroup = await createGroup(api.http, other);
      expect((await add(other, otherGroup.id, people.slice(5, 6))).status).to.equal(200);
    });

    it('refuses uploads past the hour\'s count without storing them; other users and the internal key still upload', async () => {
      const [a, b] = [await signUp(api.http), await signUp(api.http)];
      for (let i = 0; i < 2; i++) expect((await uploadRaw(api.http, Buffer.from(`file ${i}`), { token: a.token })).status).to.equal(201);
      expectRateLimited(await uploadRaw(api.http, Buffer.from('one too many'), { token: a.token }), 3600);
      expect(await api.deps.db('files').where({ owner_uid: a.uid })).to.have.length(2);
      expect((await uploadRaw(api.http, Buffer.from('mine'), { token: b.token })).status).to.equal(201);
      const internal = await uploadRaw(api.http, Buffer.from('from a service'), { headers: { 'x-internal-key': signInternalKey(internalSecret(api.deps.config), a.uid) } });
      expect(internal.status).to.equal(201);
    });
  });

  describe('sustained sends and upload bytes', () => {
    const KiB = 1024;
    let api: TestApi;
    before(async () => {
      api = await startTestApi({ API_JOB_WAIT_MS: '1', SEND_BURST_MAX: '100', SEND_SUSTAINED_MAX: '4', UPLOAD_BYTES_PER_HOUR: String(1024 * KiB) });
    });
    after(() => api.close());

    it('refuses sends past the sustained window even under the burst', async () => {
      const [a, b] = [await signUp(api.http), await signUp(api.http)];
      const group = await createGroup(api.http, a, [b]);
      const send = (user: TestUser) => api.http.post(`/chats/${group.chat_id}/messages`, { token: user.token, json: { client_generated_id: cgid(), message: 'hi', message_type: 'text' } });
      for (let i = 0; i < 4; i++) expect((await send(a)).status).to.equal(202);
      expectRateLimited(await send(a), 3600);
      expect((await send(b)).status).to.equal(202);
    });

    it('counts upload bytes as they stream: the upload that passes the allowance is stopped, later ones refused before storing', async () => {
      const [a, b] = [await signUp(api.http), await signUp(api.http)];
      const big = () => randomBytes(600 * KiB);
      expect((await uploadRaw(api.http, big(), { token: a.token })).status).to.equal(201);
      // A declared length that does not fit is refused before a byte is stored.
      expectRateLimited(await uploadRaw(api.http, big(), { token: a.token }), 3600);
      // A multipart body has no declared file size: it starts, and is stopped once it passes the allowance.
      const form = multipart([{ field: 'file', filename: 'big.bin', data: big() }]);
      expectRateLimited(await api.http.post('/fserv/upload', { token: a.token, raw: form.body, headers: { 'content-type': form.contentType } }), 3600);
      // Now spent: even a small upload is refused.
      expectRateLimited(await uploadRaw(api.http, Buffer.from('tiny'), { token: a.token }), 3600);
      expect(await api.deps.db('files').where({ owner_uid: a.uid })).to.have.length(1);
      expect(await api.deps.db('pending_uploads')).to.have.length(0);

      expect((await uploadRaw(api.http, big(), { token: b.token })).status).to.equal(201);
    });
  });
});
