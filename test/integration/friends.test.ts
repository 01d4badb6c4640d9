import { expect } from 'chai';
import { startTestApi, type TestApi } from '../support/api-server.ts';
import { befriend, createGroup, notificationsOf } from '../support/social.ts';
import { signUp, type TestUser } from '../support/users.ts';

describe('friends and blocks', () => {
  let api: TestApi;
  const newUser = () => signUp(api.http, { stem: 'fr' });
  const setSetting = async (user: TestUser, setting: string) => {
    expect((await api.http.put('/users/profile', { token: user.token, json: { add_friend_setting: setting } })).status).to.equal(200);
  };
  const apply = (from: TestUser, to: TestUser, apply_msg = 'hello') =>
    api.http.post('/friend/apply', { token: from.token, json: { target_user_id: to.uid, apply_msg } });
  const friendUids = async (user: TestUser) => (await api.http.get('/friend', { token: user.token })).body.friends.map((f: { uid: string }) => f.uid);

  before(async () => {
    api = await startTestApi();
  });
  after(() => api.close());

  describe('applying, by the target\'s add_friend_setting', () => {
    it('verify (the default): a pending request the target sees, and a friend_request notification', async () => {
      const [a, b] = [await newUser(), await newUser()];
      const res = await apply(a, b, 'it is me');
      expect(res.status).to.equal(201);
      expect(res.body).to.include({ status: 'pending' });
      expect(res.body.request_id).to.be.a('string');
      const incoming = await api.http.get('/friend/requests?direction=incoming', { token: b.token });
      expect(incoming.body.requests).to.have.length(1);
      expect(incoming.body.requests[0]).to.include({ request_id: res.body.request_id, from_uid: a.uid, apply_msg: 'it is me' });
      const outgoing = await api.http.get('/friend/requests?direction=outgoing', { token: a.token });
      expect(outgoing.body.requests[0].user.uid).to.equal(b.uid);
      const [note] = await notificationsOf(api.http, b, 'friend_request');
      expect(note).to.include({ request_id: res.body.request_id, from_uid: a.uid });
      expect(await friendUids(a)).to.deep.equal([]);
    });

    it('anyone: accepted at once, with a direct chat', async () => {
      const [a, b] = [await newUser(), await newUser()];
      await setSetting(b, 'anyone');
      const res = await apply(a, b);
      expect(res.status).to.equal(201);
      expect(res.body.status).to.equal('accepted');
      expect(res.body.chat_id).to.be.a('string');
      expect(await friendUids(a)).to.deep.equal([b.uid]);
      expect(await friendUids(b)).to.deep.equal([a.uid]);
      expect((await notificationsOf(api.http, b, 'friend_accepted'))[0]).to.include({ uid: a.uid, chat_id: res.body.chat_id });
    });

    it('nobody: refused with 403 not_accepting_requests', async () => {
      const [a, b] = [await newUser(), await newUser()];
      await setSetting(b, 'nobody');
      const res = await apply(a, b);
      expect(res.status).to.equal(403);
      expect(res.body.error.code).to.equal('not_accepting_requests');
    });

    it('mutual: refused to strangers, allowed to people who share a friend or a group', async () => {
      const [a, b, c, d, e] = [await newUser(), await newUser(), await newUser(), await newUser(), await newUser()];
      await setSetting(b, 'mutual');
      const stranger = await apply(a, b);
      expect(stranger.status).to.equal(403);
      expect(stranger.body.error.code).to.equal('not_mutual');

      await befriend(api.http, b, c);
      await befriend(api.http, a, c);
      expect((await apply(a, b)).body.status).to.equal('pending');

      expect((await apply(e, b)).body.error.code).to.equal('not_mutual');
      await createGroup(api.http, d, [b, e]);
      expect((await apply(e, b)).body.status).to.equal('pending');
    });

    it('does not create a second request when asked again', async () => {
      const [a, b] = [await newUser(), await newUser()];
      const first = await apply(a, b);
      const second = await apply(a, b);
      expect(second.status).to.equal(201);
      expect(second.body.request_id).to.equal(first.body.request_id);
      expect((await api.http.get('/friend/requests', { token: b.token })).body.requests).to.have.length(1);
    });

    it('accepts both when the target applies back', async () => {
      const [a, b] = [await newUser(), await newUser()];
      await apply(a, b);
      const back = await apply(b, a);
      expect(back.body.status).to.equal('accepted');
      expect(await friendUids(a)).to.deep.equal([b.uid]);
      expect((await api.http.get('/friend/requests', { token: b.token })).body.requests).to.deep.equal([]);
      expect((await api.http.get('/friend/requests?direction=outgoing', { token: b.token })).body.requests).to.deep.equal([]);
    });

    it('makes one friendship when two people apply to each other at the same moment', async () => {
      const [a, b] = [await newUser(), await newUser()];
      const results = await Promise.all([apply(a, b), apply(b, a)]);
      expect(results.map((r) => r.status)).to.deep.equal([201, 201]);
      expect(results.map((r) => r.body.status).sort()).to.deep.equal(['accepted', 'pending']);
      expect(await friendUids(a)).to.deep.equal([b.uid]);
      expect(await api.deps.db('friend_requests').where({ status: 'pending' }).whereIn('from_uid', [a.uid, b.uid])).to.have.length(0);
    });

    it('refuses a repeat to an existing friend with 409', async () => {
      const [a, b] = [await newUser(), await newUser()];
      await befriend(api.http, a, b);
      const res = await apply(a, b);
      expect(res.status).to.equal(409);
      expect(res.body.error.code).to.equal('already_friends');
    });

    it('refuses bad input: yourself, unknown and malformed uids, long messages, missing fields', async () => {
      const a = await newUser();
      const self = await apply(a, a);
      expect(self.status).to.equal(400);
      expect(self.body.error.code).to.equal('invalid_target');
      expect((await api.http.post('/friend/apply', { token: a.token, json: { target_user_id: 'f'.repeat(32) } })).status).to.equal(404);
      for (const json of [{ target_user_id: 'nope' }, {}, { target_user_id: a.uid.toUpperCase() }, { target_user_id: 'f'.repeat(32), apply_msg: 'x'.repeat(201) }, { target_user_id: 7 }]) {
        const res = await api.http.post('/friend/apply', { token: a.token, json });
        expect(res.status, JSON.stringify(json)).to.equal(400);
        expect(res.body.error.code).to.equal('invalid_input');
      }
      expect((await api.http.post('/friend/apply', { json: { target_user_id: a.uid } })).status).to.equal(401);
      expect((await api.http.get('/friend/requests?direction=sideways', { token: a.token })).status).to.equal(400);
    });
  });

  describe('deciding requests', () => {
    it('accept: only the recipient; makes friends and the direct chat; tells the applicant', async () => {
      const [a, b, c] = [await newUser(), await newUser(), await newUser()];
      const { body } = await apply(a, b);
      for (const outsider of [a, c]) {
        const res = await api.http.post(`/friend/requests/${body.request_id}/accept`, { token: outsider.token });
        expect(res.status, outsider === a ? 'the applicant' : 'a stranger').to.equal(404);
      }
      const accepted = await api.http.post(`/friend/requests/${body.request_id}/accept`, { token: b.token });
      expect(accepted.status).to.equal(200);
      expect(accepted.body).to.include({ status: 'accepted', request_id: body.request_id });
      expect((await notificationsOf(api.http, a, 'friend_accepted'))[0]).to.include({ uid: b.uid, chat_id: accepted.body.chat_id });
      const again = await api.http.post(`/friend/requests/${body.request_id}/accept`, { token: b.token });
      expect(again.status).to.equal(409);
      expect(again.body.error.code).to.equal('request_closed');
      const direct = await api.http.post('/chats/direct', { token: a.token, json: { target_user_id: b.uid } });
      expect(direct.body).to.include({ chat_id: accepted.body.chat_id, created: false });
    });

    it('reject: only the recipient; no friendship', async () => {
      const [a, b] = [await newUser(), await newUser()];
      const { body } = await apply(a, b);
      expect((await api.http.post(`/friend/requests/${body.request_id}/reject`, { token: a.token })).status).to.equal(404);
      const rejected = await api.http.post(`/friend/requests/${body.request_id}/reject`, { token: b.token });
      expect(rejected.status).to.equal(200);
      expect(rejected.body.status).to.equal('rejected');
      expect(await friendUids(b)).to.deep.equal([]);
      expect((await api.http.post(`/friend/requests/${body.request_id}/accept`, { token: b.token })).status).to.equal(409);
    });

    it('answers unknown and malformed request ids with 404 and 400', async () => {
      const a = await newUser();
      expect((await api.http.post('/friend/requests/999999999/accept', { token: a.token })).status).to.equal(404);
      expect((await api.http.post('/friend/requests/abc/accept', { token: a.token })).status).to.equal(400);
      expect((await api.http.post('/friend/requests/-1/reject', { token: a.token })).status).to.equal(400);
    });
  });

  describe('removing friends', () => {
    it('removes both directions; a second removal is 404; strangers are 404', async () => {
      const [a, b, c] = [await newUser(), await newUser(), await newUser()];
      await befriend(api.http, a, b);
      expect((await api.http.delete(`/friend/${c.uid}`, { token: a.token })).status).to.equal(404);
      expect((await api.http.delete(`/friend/${b.uid}`, { token: a.token })).status).to.equal(204);
      expect(await friendUids(b)).to.deep.equal([]);
      expect((await api.http.delete(`/friend/${b.uid}`, { token: a.token })).status).to.equal(404);
      expect((await api.http.delete('/friend/not-a-uid', { token: a.token })).status).to.equal(400);
    });
  });

  describe('blocks', () => {
    it('a blocked user cannot apply, open a direct chat, or add the blocker to a group', async () => {
      const [a, b] = [await newUser(), await newUser()];
      await setSetting(a, 'anyone');
      expect((await api.http.post('/friend/block', { token: a.token, json: { target_user_id: b.uid } })).status).to.equal(201);
      const applied = await apply(b, a);
      expect(applied.status).to.equal(403);
      expect(applied.body.error.code).to.equal('blocked');
      const direct = await api.http.post('/chats/direct', { token: b.token, json: { target_user_id: a.uid } });
      expect(direct.status).to.equal(403);
      const group = await createGroup(api.http, b);
      const added = await api.http.post(`/group/${group.id}/members`, { token: b.token, json: { user_ids: [a.uid] } });
      expect(added.status).to.equal(200);
      expect(added.body.added).to.deep.equal([]);
      expect(added.body.refused).to.deep.equal([{ uid: a.uid, code: 'blocked' }]);
      // The blocker is told to unblock first rather than silently reaching the blocked user.
      expect((await apply(a, b)).body.error.code).to.equal('blocked');
    });

    it('cancels pending requests between the two, keeps a friendship, and lifts on unblock', async () => {
      const [a, b, c] = [await newUser(), await newUser(), await newUser()];
      await apply(b, a);
      await befriend(api.http, a, c);
      await api.http.post('/friend/block', { token: a.token, json: { target_user_id: b.uid } });
      await api.http.post('/friend/block', { token: a.token, json: { target_user_id: c.uid } });
      expect((await api.http.get('/friend/requests', { token: a.token })).body.requests).to.deep.equal([]);
      expect(await friendUids(a)).to.deep.equal([c.uid]);
      const list = await api.http.get('/friend/blocks', { token: a.token });
      expect(list.body.blocks.map((x: { uid: string }) => x.uid).sort()).to.deep.equal([b.uid, c.uid].sort());

      expect((await api.http.delete(`/friend/block/${b.uid}`, { token: a.token })).status).to.equal(204);
      expect((await apply(b, a)).body.status).to.equal('pending');
      expect((await api.http.delete(`/friend/block/${b.uid}`, { token: a.token })).status).to.equal(404);
    });

    it('is one-way and idempotent; refuses yourself, unknown and malformed uids', async () => {
      const [a, b] = [await newUser(), await newUser()];
      expect((await api.http.post('/friend/block', { token: a.token, json: { target_user_id: b.uid } })).status).to.equal(201);
      expect((await api.http.post('/friend/block', { token: a.token, json: { target_user_id: b.uid } })).status).to.equal(201);
      expect((await api.http.get('/friend/blocks', { token: a.token })).body.blocks).to.have.length(1);
      expect((await api.http.get('/friend/blocks', { token: b.token })).body.blocks).to.have.length(0);
      expect((await api.http.post('/friend/block', { token: a.token, json: { target_user_id: a.uid } })).status).to.equal(400);
      expect((await api.http.post('/friend/block', { token: a.token, json: { target_user_id: '0'.repeat(32) } })).status).to.equal(404);
      expect((await api.http.post('/friend/block', { token: a.token, json: { target_user_id: 'x' } })).status).to.equal(400);
      expect((await api.http.post('/friend/block', { token: a.token, raw: '{', headers: { 'content-type': 'application/json' } })).status).to.equal(400);
    });
  });

  describe('direct chats', () => {
    it('POST /chats/direct gets or creates the chat with a friend only', async () => {
      const [a, b, c] = [await newUser(), await newUser(), await newUser()];
      const chatId = await befriend(api.http, a, b);
      const res = await api.http.post('/chats/direct', { token: b.token, json: { target_user_id: a.uid } });
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.equal({ chat_id: chatId, kind: 'direct', peer_uid: a.uid, created: false });
      const stranger = await api.http.post('/chats/direct', { token: a.token, json: { target_user_id: c.uid } });
      expect(stranger.status).to.equal(403);
      expect(stranger.body.error.code).to.equal('not_friends');
      expect((await api.http.post('/chats/direct', { token: a.token, json: { target_user_id: a.uid } })).status).to.equal(400);
      expect((await api.http.post('/chats/direct', { token: a.token, json: { target_user_id: '1'.repeat(32) } })).status).to.equal(404);
    });
  });

  describe('notifications', () => {
    it('lists my notifications oldest first, pages with ?after=, and shows nobody else\'s', async () => {
      const [a, b, c] = [await newUser(), await newUser(), await newUser()];
      await apply(a, c);
      await apply(b, c);
      const all = await api.http.get('/users/notifications', { token: c.token });
      expect(all.body.notifications.map((n: { from_uid: string }) => n.from_uid)).to.deep.equal([a.uid, b.uid]);
      const [first, second] = all.body.notifications;
      expect(Number(second.id)).to.be.greaterThan(Number(first.id));
      const after = await api.http.get(`/users/notifications?after=${first.id}`, { token: c.token });
      expect(after.body.notifications.map((n: { id: string }) => n.id)).to.deep.equal([second.id]);
      const newest = await api.http.get('/users/notifications?max=1', { token: c.token });
      expect(newest.body.notifications.map((n: { id: string }) => n.id)).to.deep.equal([second.id]);
      expect((await api.http.get('/users/notifications', { token: a.token })).body.notifications).to.deep.equal([]);
      expect((await api.http.get('/users/notifications?after=abc', { token: c.token })).status).to.equal(400);
      expect((await api.http.get('/users/notifications?max=1000', { token: c.token })).status).to.equal(400);
    });
  });
});
