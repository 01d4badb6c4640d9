import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { startTestApi, type TestApi } from '../support/api-server.ts';
import { testEnv } from '../support/config.ts';
import { browserSubscription } from '../support/push-services.ts';
import { befriend, createGroup } from '../support/social.ts';
import { signUp, type TestUser } from '../support/users.ts';

/** The push devices and chat settings endpoints: who may do what, and every refusal's answer. */
describe('push: devices and chat settings (api against PostgreSQL and Redis)', () => {
  let api: TestApi;
  let withMobile: TestApi;
  let a: TestUser;
  let b: TestUser;
  const endpoint = () => `https://push.example.net/send/${randomBytes(8).toString('hex')}`;
  const webpush = (url = endpoint()) => ({ kind: 'webpush', endpoint: url, keys: browserSubscription(url).keys });

  before(async () => {
    const env = testEnv();
    api = await startTestApi(env);
    // A second api on the same database and Redis, with FCM and APNs configured.
    withMobile = await startTestApi({ ...env, FCM_SERVICE_ACCOUNT_FILE: '/run/secrets/fcm.json', APNS_KEY_FILE: '/run/secrets/apns.p8', APNS_KEY_ID: 'KEY1234567', APNS_TEAM_ID: 'TEAM123456', APNS_TOPIC: 'app.wetty' });
    a = await signUp(api.http, { stem: 'pushapi' });
    b = await signUp(api.http, { stem: 'pushapi' });
  });
  after(async () => {
    await api.close();
    await withMobile.close();
  });

  it('refuses every push and settings route without a token', async () => {
    const calls = [
      api.http.post('/users/push/subscriptions', { json: webpush() }),
      api.http.get('/users/push/subscriptions'),
      api.http.delete('/users/push/subscriptions/1'),
      api.http.get('/users/push/vapid_public_key'),
      api.http.get('/chats/1/settings'),
      api.http.put('/chats/1/settings', { json: { notifications: 'none' } }),
    ];
    for (const res of await Promise.all(calls)) {
      expect(res.status).to.equal(401);
      expect(res.body.error.code).to.equal('unauthorized');
    }
  });

  it('answers one VAPID public key, the same from every api process', async () => {
    const first = await api.http.get('/users/push/vapid_public_key', { token: a.token });
    const second = await withMobile.http.get('/users/push/vapid_public_key', { token: b.token });
    expect(first.status).to.equal(200);
    expect(first.body.public_key).to.match(/^[A-Za-z0-9_-]{87}$/);
    expect(Buffer.from(first.body.public_key, 'base64url')[0]).to.equal(4);
    expect(second.body.public_key).to.equal(first.body.public_key);
  });

  it('registers a browser once per endpoint, lists it, and lets only its owner remove it', async () => {
    const device = webpush();
    const created = await api.http.post('/users/push/subscriptions', { token: a.token, json: device });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    expect(created.body).to.have.keys('id');
    const again = await api.http.post('/users/push/subscriptions', { token: a.token, json: device });
    expect(again.status).to.equal(201);
    expect(again.body.id).to.equal(created.body.id);
    const listed = await api.http.get('/users/push/subscriptions', { token: a.token });
    expect(listed.body.subscriptions).to.have.length(1);
    expect(listed.body.subscriptions[0]).to.include({ id: created.body.id, kind: 'webpush', endpoint: device.endpoint, token: null, current: true });
    expect((await api.http.get('/users/push/subscriptions', { token: b.token })).body.subscriptions).to.deep.equal([]);

    const stranger = await api.http.delete(`/users/push/subscriptions/${created.body.id}`, { token: b.token });
    expect(stranger.status).to.equal(404);
    expect(stranger.body.error.code).to.equal('not_found');
    expect((await api.http.delete(`/users/push/subscriptions/${created.body.id}`, { token: a.token })).status).to.equal(204);
    expect((await api.http.delete(`/users/push/subscriptions/${created.body.id}`, { token: a.token })).status).to.equal(404);
    expect((await api.http.delete('/users/push/subscriptions/abc', { token: a.token })).status).to.equal(400);
  });

  it('moves a device registered again by another user to that user', async () => {
    const device = webpush();
    const first = await api.http.post('/users/push/subscriptions', { token: a.token, json: device });
    const moved = await api.http.post('/users/push/subscriptions', { token: b.token, json: device });
    expect(moved.body.id).to.equal(first.body.id);
    const ofA = (await api.http.get('/users/push/subscriptions', { token: a.token })).body.subscriptions;
    expect(ofA.map((s: { id: string }) => s.id)).to.not.include(first.body.id);
    const ofB = (await api.http.get('/users/push/subscriptions', { token: b.token })).body.subscriptions;
    expect(ofB.map((s: { id: string }) => s.id)).to.include(first.body.id);
  });

  const invalid: [string, unknown][] = [
    ['no kind', { endpoint: endpoint() }],
    ['an unknown kind', { kind: 'sms', token: 'x'.repeat(30) }],
    ['a non-URL endpoint', { ...webpush(), endpoint: 'not a url' }],
    ['an ftp endpoint', { ...webpush(), endpoint: 'ftp://push.example.net/x' }],
    ['an http endpoint (not allowed by default)', { ...webpush(), endpoint: 'http://push.example.net/x' }],
    ['a push service on loopback', { ...webpush('https://127.0.0.1/send/x') }],
    ['a push service on IPv6 loopback', { ...webpush('https://[::1]/send/x') }],
    ['a push service on an IPv4-mapped private address', { ...webpush('https://[::ffff:10.0.0.7]/send/x') }],
    ['a push service on a private network', { ...webpush('https://192.168.1.20/send/x') }],
    ['a push service on the cloud metadata address', { ...webpush('https://169.254.169.254/latest/x') }],
    ['a push service named localhost', { ...webpush('https://localhost:8443/send/x') }],
    ['a p256dh of the right length that is not a P-256 point', { ...webpush(), keys: { p256dh: 'B' + 'A'.repeat(86), auth: randomBytes(16).toString('base64url') } }],
    ['a p256dh off the curve', { ...webpush(), keys: { p256dh: Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 7)]).toString('base64url'), auth: randomBytes(16).toString('base64url') } }],
    ['an endpoint over 2048 characters', { ...webpush(`https://push.example.net/${'x'.repeat(2048)}`) }],
    ['an FCM token over 4096 characters', { kind: 'fcm', token: 'a'.repeat(4097) }],
    ['an expirationTime that is not a number', { ...webpush(), expirationTime: 'tomorrow' }],
    ['a short p256dh', { ...webpush(), keys: { p256dh: 'abc', auth: randomBytes(16).toString('base64url') } }],
    ['no auth secret', { ...webpush(), keys: { p256dh: browserSubscription('x').keys.p256dh } }],
    ['an unknown field', { ...webpush(), extra: true }],
    ['a webpush with a token', { kind: 'webpush', token: 'x'.repeat(30) }],
    ['an fcm token with spaces', { kind: 'fcm', token: 'not a token but words and more words' }],
    ['an apns token that is not hex', { kind: 'apns', token: 'z'.repeat(64) }],
  ];
  for (const [what, body] of invalid) {
    it(`refuses ${what} with 400 invalid_input`, async () => {
      const res = await api.http.post('/users/push/subscriptions', { token: a.token, json: body });
      expect(res.status, JSON.stringify(res.body)).to.equal(400);
      expect(res.body.error.code).to.equal('invalid_input');
    });
  }

  it('refuses FCM and APNs devices where they are not configured, and takes them where they are', async () => {
    const fcm = { kind: 'fcm', token: `fcm-${randomBytes(20).toString('hex')}` };
    const apns = { kind: 'apns', token: randomBytes(32).toString('hex') };
    for (const device of [fcm, apns]) {
      const refused = await api.http.post('/users/push/subscriptions', { token: a.token, json: device });
      expect(refused.status).to.equal(409);
      expect(refused.body.error.code).to.equal('provider_not_configured');
      const taken = await withMobile.http.post('/users/push/subscriptions', { token: a.token, json: device });
      expect(taken.status, JSON.stringify(taken.body)).to.equal(201);
    }
    const listed = (await api.http.get('/users/push/subscriptions', { token: a.token })).body.subscriptions;
    expect(listed.filter((s: { kind: string }) => s.kind !== 'webpush').map((s: { kind: string; token: string; endpoint: null }) => [s.kind, s.token, s.endpoint])).to.deep.equal([
      ['fcm', fcm.token, null],
      ['apns', apns.token, null],
    ]);
  });

  describe('chat settings', () => {
    it('defaults to all, is set by a member and read back', async () => {
      const chatId = await befriend(api.http, a, b);
      const initial = await api.http.get(`/chats/${chatId}/settings`, { token: a.token });
      expect(initial.status).to.equal(200);
      expect(initial.body).to.deep.equal({ chat_id: chatId, notifications: 'all', muted_until: null });
      const until = new Date(Date.now() + 3600_000);
      const set = await api.http.put(`/chats/${chatId}/settings`, { token: a.token, json: { notifications: 'mentions', muted_until: until.toISOString() } });
      expect(set.status, JSON.stringify(set.body)).to.equal(200);
      expect(set.body).to.deep.equal({ chat_id: chatId, notifications: 'mentions', muted_until: until.toISOString() });
      expect((await api.http.get(`/chats/${chatId}/settings`, { token: a.token })).body).to.deep.equal(set.body);
      // The peer's settings are their own.
      expect((await api.http.get(`/chats/${chatId}/settings`, { token: b.token })).body.notifications).to.equal('all');
      const cleared = await api.http.put(`/chats/${chatId}/settings`, { token: a.token, json: { notifications: 'all' } });
      expect(cleared.body).to.deep.equal({ chat_id: chatId, notifications: 'all', muted_until: null });
    });

    it('is 404 for anyone not in the chat (an outsider, a member who left, an unknown chat)', async () => {
      const owner = await signUp(api.http, { stem: 'owner' });
      const leaver = await signUp(api.http, { stem: 'leaver' });
      const outsider = await signUp(api.http, { stem: 'outsider' });
      const group = await createGroup(api.http, owner, [leaver]);
      expect((await api.http.put(`/chats/${group.chat_id}/settings`, { token: leaver.token, json: { notifications: 'none' } })).status).to.equal(200);
      expect((await api.http.delete(`/group/${group.id}/members/${leaver.uid}`, { token: leaver.token })).status).to.equal(204);
      for (const [user, chatId] of [[outsider, group.chat_id], [leaver, group.chat_id], [owner, '999999999']] as const) {
        for (const res of [
          await api.http.get(`/chats/${chatId}/settings`, { token: user.token }),
          await api.http.put(`/chats/${chatId}/settings`, { token: user.token, json: { notifications: 'none' } }),
        ]) {
          expect(res.status).to.equal(404);
          expect(res.body.error.code).to.equal('not_found');
        }
      }
    });

    const bad: [string, unknown][] = [
      ['no notifications', { muted_until: null }],
      ['an unknown notifications value', { notifications: 'some' }],
      ['a muted_until that is not a time', { notifications: 'all', muted_until: 'tomorrow' }],
      ['a muted_until over a year away', { notifications: 'all', muted_until: new Date(Date.now() + 400 * 24 * 3600_000).toISOString() }],
      ['an unknown field', { notifications: 'all', sound: 'bell' }],
    ];
    for (const [what, body] of bad) {
      it(`refuses ${what} with 400 invalid_input`, async () => {
        const owner = await signUp(api.http, { stem: 'owner' });
        const group = await createGroup(api.http, owner);
        const res = await api.http.put(`/chats/${group.chat_id}/settings`, { token: owner.token, json: body });
        expect(res.status, JSON.stringify(res.body)).to.equal(400);
        expect(res.body.error.code).to.equal('invalid_input');
      });
    }
  });
});
