import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { sampleValue, scrape } from '../support/metrics.ts';
import { befriend, createGroup } from '../support/social.ts';
import { browserSubscription, startApns, startFcm, startWebPushService, verifyVapid, type LocalService } from '../support/push-services.ts';
import { startSystem, waitFor, type RunningSystem } from '../support/system.ts';
import { logIn, signUp, type TestUser } from '../support/users.ts';
import { connectWs, type WsConnection } from '../support/ws-client.ts';

// Long enough that a burst of sends is stored before its push is composed, even on a crowded machine.
const PUSH_DELAY_MS = 1000;
const APNS = { keyId: 'KEY1234567', teamId: 'TEAM123456', topic: 'app.wetty.ios' };

/**
 * Offline pushes through the real processes (supervisor, api, workers, realtime) to local push
 * services: a Web Push service whose pushes the test decrypts as a browser would, FCM (OAuth token
 * endpoint + HTTP/2 send) and APNs (HTTP/2), each checking the request's signature.
 */
describe('offline push (real processes, local push services)', function () {
  this.timeout(240_000);
  let system: RunningSystem;
  let webPush: LocalService;
  let fcm: Awaited<ReturnType<typeof startFcm>>;
  let apns: Awaited<ReturnType<typeof startApns>>;
  let dir: string;
  let redis: Redis;
  let pushQueue: Queue;
  let vapidKey: string;
  const sockets: WsConnection[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wetty-push-'));
    [webPush, fcm, apns] = await Promise.all([startWebPushService(), startFcm('wetty-test'), startApns(APNS)]);
    await writeFile(join(dir, 'fcm.json'), JSON.stringify(fcm.serviceAccount));
    await writeFile(join(dir, 'apns.p8'), apns.p8);
    system = await startSystem({
      LOG_LEVEL: 'warn',
      PUSH_DELAY_MS: String(PUSH_DELAY_MS),
      WEBPUSH_ALLOW_LOCAL: 'true',
      FCM_SERVICE_ACCOUNT_FILE: join(dir, 'fcm.json'),
      FCM_ENDPOINT: fcm.endpoint,
      APNS_HOST: apns.url,
      APNS_KEY_FILE: join(dir, 'apns.p8'),
      APNS_KEY_ID: APNS.keyId,
      APNS_TEAM_ID: APNS.teamId,
      APNS_TOPIC: APNS.topic,
    });
    redis = new Redis(system.env.REDIS_URL as string, { maxRetriesPerRequest: null });
    pushQueue = new Queue('push', { connection: redis, prefix: `${system.env.REDIS_PREFIX}:bull` });
    const key = await system.http.get('/users/push/vapid_public_key', { token: (await signUp(system.http, { stem: 'vapid' })).token });
    expect(key.status).to.equal(200);
    vapidKey = key.body.public_key;
  });
  after(async () => {
    for (const ws of sockets) ws.close();
    await pushQueue?.close();
    redis?.disconnect();
    if (system) {
      const problems = system.problems();
      await system.stop();
      // Refusals by the local services are expected (410, 429); nothing else may be logged as an error.
      expect(problems.split('\n').filter((l) => l.includes('"level":50') || l.includes('"level":60'))).to.deep.equal([]);
    }
    await Promise.all([webPush?.close(), fcm?.close(), apns?.close()]);
    await rm(dir, { recursive: true, force: true });
  });

  const subscribeBrowser = async (user: TestUser, token = user.token) => {
    const browser = browserSubscription(`${webPush.url}/push/${randomBytes(8).toString('hex')}`);
    const res = await system.http.post('/users/push/subscriptions', { token, json: { kind: 'webpush', endpoint: browser.endpoint, keys: browser.keys } });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return { ...browser, id: res.body.id as string, path: new URL(browser.endpoint).pathname };
  };
  const pushesTo = (path: string) => webPush.received.filter((r) => r.path === path);
  const send = async (from: TestUser, chatId: string, text: string, extra: Record<string, unknown> = {}) => {
    const res = await system.http.post(`/chats/${chatId}/messages`, {
      token: from.token,
      json: { client_generated_id: randomBytes(8).toString('hex'), message: text, message_type: 'text', ...extra },
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body;
  };
  /** The outcome of the finished push job of (user, chat): what its gate decided. */
  const chatPushOutcome = async (uid: string, chatId: string) => {
    let outcome: Record<string, unknown> | undefined;
    await waitFor(async () => {
      const jobs = await pushQueue.getJobs(['completed']);
      outcome = jobs.find((j) => j.name === 'push-chat' && j.data.uid === uid && j.data.chat_id === chatId)?.returnvalue as Record<string, unknown> | undefined;
      return outcome !== undefined;
    }, 15_000, 100);
    return outcome as Record<string, unknown>;
  };

  it('collapses a burst of messages into one encrypted, VAPID-signed Web Push for an offline user', async () => {
    const a = await signUp(system.http, { stem: 'pusher' });
    const b = await signUp(system.http, { stem: 'offline' });
    const chatId = await befriend(system.http, a, b);
    const device = await subscribeBrowser(b);
    const sentAt = Date.now();
    await send(a, chatId, 'first');
    await send(a, chatId, 'second');
    const last = await send(a, chatId, 'third: see you at 5');
    await waitFor(() => pushesTo(device.path).length > 0, 15_000);
    const [push] = pushesTo(device.path);
    expect(push!.at - sentAt).to.be.at.least(PUSH_DELAY_MS);
    expect(push!.headers['content-encoding']).to.equal('aes128gcm');
    expect(Number(push!.headers.ttl)).to.be.greaterThan(0);
    const claims = verifyVapid(push!.headers.authorization as string, vapidKey);
    expect(claims.aud).to.equal(webPush.url);
    expect(claims.sub).to.equal('mailto:push@wetty.invalid');
    expect(claims.exp).to.be.greaterThan(Date.now() / 1000);
    const payload = device.decrypt(push!.body) as Record<string, unknown>;
    expect(payload).to.deep.include({ type: 'messages', chat_id: chatId, count: 3, msg_id: last.id, seq: last.seq, sender_uid: a.uid, chat_name: null, mention: false, preview: 'third: see you at 5' });
    expect(payload.title).to.equal(payload.sender_name);
    // The later messages joined the pending push: one push, no second one for the same messages.
    await new Promise((resolve) => setTimeout(resolve, PUSH_DELAY_MS * 3));
    expect(pushesTo(device.path)).to.have.length(1);

    // Messages after the push are counted afresh; the ones before are not pushed again.
    await send(a, chatId, 'later');
    await waitFor(() => pushesTo(device.path).length === 2, 15_000);
    expect(device.decrypt(pushesTo(device.path)[1]!.body)).to.deep.include({ count: 1, preview: 'later' });
  });

  it('sends one push when the jobs of two adjacent windows of a chat run at once', async () => {
    const a = await signUp(system.http, { stem: 'pusher' });
    const b = await signUp(system.http, { stem: 'straddled' });
    const chatId = await befriend(system.http, a, b);
    const device = await subscribeBrowser(b);
    await send(a, chatId, 'before the boundary');
    await send(a, chatId, 'after the boundary');
    // A burst that straddles a window boundary has two jobs; they fire moments apart and may run together.
    const racers = ['x', 'y'].map((side) => `push-chat.${b.uid}.${chatId}.race-${side}`);
    await Promise.all(racers.map((jobId) => pushQueue.add('push-chat', { uid: b.uid, chat_id: chatId }, { jobId })));
    await waitFor(async () => (await Promise.all(racers.map((id) => pushQueue.getJobState(id)))).every((state) => state === 'completed'), 15_000, 50);
    await new Promise((resolve) => setTimeout(resolve, PUSH_DELAY_MS * 3));
    expect(pushesTo(device.path)).to.have.length(1);
    expect(device.decrypt(pushesTo(device.path)[0]!.body)).to.deep.include({ count: 2, preview: 'after the boundary' });
  });

  it('pushes a reminder when it is due, beside the push of the reminder message itself', async () => {
    const a = await signUp(system.http, { stem: 'pusher' });
    const b = await signUp(system.http, { stem: 'forgetful' });
    const chatId = await befriend(system.http, a, b);
    const device = await subscribeBrowser(b);
    const remindAt = new Date(Date.now() + 2000);
    const reminder = await send(a, chatId, 'water the plants', { message_type: 'reminder', remind_at: remindAt.toISOString(), mentions: [b.uid] });
    const payloads = () => pushesTo(device.path).map((p) => device.decrypt(p.body) as Record<string, unknown>);
    await waitFor(() => payloads().some((p) => p.type === 'notification'), 20_000);
    expect(payloads().find((p) => p.type === 'messages')).to.deep.include({ msg_id: reminder.id, mention: true });
    const due = pushesTo(device.path).find((p) => (device.decrypt(p.body) as { type: string }).type === 'notification');
    expect(due!.at).to.be.at.least(remindAt.getTime());
    expect(payloads().find((p) => p.type === 'notification')).to.deep.include({ notification_type: 'reminder', chat_id: chatId, by_uid: a.uid, preview: 'water the plants', title: 'Reminder' });
  });

  it('pushes nothing to a user who holds a socket', async () => {
    const a = await signUp(system.http, { stem: 'pusher' });
    const c = await signUp(system.http, { stem: 'online' });
    const chatId = await befriend(system.http, a, c);
    const device = await subscribeBrowser(c);
    sockets.push(await connectWs(`${system.wsUrl}?uid=${c.uid}&token=${c.token}`));
    await send(a, chatId, 'you are here');
    expect(await chatPushOutcome(c.uid, chatId)).to.deep.include({ pushed: 0, reason: 'online' });
    expect(pushesTo(device.path)).to.have.length(0);
  });

  it('honours chat settings: muted and "none" push nothing, "mentions" only mentions', async () => {
    const a = await signUp(system.http, { stem: 'pusher' });
    const b = await signUp(system.http, { stem: 'muter' });
    const chatId = await befriend(system.http, a, b);
    const device = await subscribeBrowser(b);
    const muted = await system.http.put(`/chats/${chatId}/settings`, { token: b.token, json: { notifications: 'all', muted_until: new Date(Date.now() + 3600_000).toISOString() } });
    expect(muted.status, JSON.stringify(muted.body)).to.equal(200);
    await send(a, chatId, 'muted chat');
    expect(await chatPushOutcome(b.uid, chatId)).to.deep.include({ pushed: 0, reason: 'muted' });

    const group = await createGroup(system.http, a, [b]);
    // Being added to the group is pushed too; only message pushes count here.
    const messagePushes = () => pushesTo(device.path).map((p) => device.decrypt(p.body) as Record<string, unknown>).filter((p) => p.type === 'messages');
    expect((await system.http.put(`/chats/${group.chat_id}/settings`, { token: b.token, json: { notifications: 'none' } })).status).to.equal(200);
    await send(a, group.chat_id, 'nobody listens');
    expect(await chatPushOutcome(b.uid, group.chat_id)).to.deep.include({ pushed: 0, reason: 'notifications_none' });
    expect(messagePushes()).to.have.length(0);

    expect((await system.http.put(`/chats/${group.chat_id}/settings`, { token: b.token, json: { notifications: 'mentions' } })).status).to.equal(200);
    await send(a, group.chat_id, 'not for you');
    await new Promise((resolve) => setTimeout(resolve, PUSH_DELAY_MS * 2));
    const mention = await send(a, group.chat_id, '@b look', { mentions: [b.uid] });
    await waitFor(() => messagePushes().length === 1, 15_000);
    expect(messagePushes()[0]).to.deep.include({ type: 'messages', chat_id: group.chat_id, count: 1, msg_id: mention.id, mention: true, chat_name: 'Test group' });
  });

  it('pushes nothing from a sender the user blocks', async () => {
    const owner = await signUp(system.http, { stem: 'owner' });
    const b = await signUp(system.http, { stem: 'blocker' });
    const d = await signUp(system.http, { stem: 'blocked' });
    const group = await createGroup(system.http, owner, [b, d]);
    const device = await subscribeBrowser(b);
    expect((await system.http.post('/friend/block', { token: b.token, json: { target_user_id: d.uid } })).status).to.equal(201);
    await send(d, group.chat_id, 'from someone you block');
    expect(await chatPushOutcome(b.uid, group.chat_id)).to.deep.include({ pushed: 0, reason: 'nothing_new' });
    expect(pushesTo(device.path)).to.have.length(0);
  });

  it('a device goes with its session (logout, revoke, logout_all) and receives nothing after', async () => {
    const a = await signUp(system.http, { stem: 'pusher' });
    const b = await signUp(system.http, { stem: 'devices' });
    const chatId = await befriend(system.http, a, b);
    const second = await logIn(system.http, b.username, b.password, 'mobile');
    const third = await logIn(system.http, b.username, b.password, 'web');
    const kept = await subscribeBrowser(b);
    const revoked = await subscribeBrowser(b, second);
    const loggedOut = await subscribeBrowser(b, third);
    const listed = await system.http.get('/users/push/subscriptions', { token: b.token });
    expect(listed.body.subscriptions.map((s: { id: string }) => s.id).sort()).to.deep.equal([kept.id, revoked.id, loggedOut.id].sort());
    expect(listed.body.subscriptions.find((s: { id: string }) => s.id === kept.id)).to.include({ kind: 'webpush', endpoint: kept.endpoint, token: null, current: true });

    const sessions = await system.http.get('/users/sessions', { token: second });
    const secondKey = sessions.body.sessions.find((s: { current: boolean }) => s.current).client_key;
    expect((await system.http.delete(`/users/sessions/${secondKey}`, { token: b.token })).status).to.equal(204);
    expect((await system.http.post('/users/auth/logout', { token: third })).status).to.equal(204);
    const after = await system.http.get('/users/push/subscriptions', { token: b.token });
    expect(after.body.subscriptions.map((s: { id: string }) => s.id)).to.deep.equal([kept.id]);

    await send(a, chatId, 'only the kept device');
    await waitFor(() => pushesTo(kept.path).length === 1, 15_000);
    expect(pushesTo(revoked.path)).to.have.length(0);
    expect(pushesTo(loggedOut.path)).to.have.length(0);

    expect((await system.http.post('/users/auth/logout_all', { token: b.token })).status).to.equal(204);
    const fresh = await logIn(system.http, b.username, b.password);
    expect((await system.http.get('/users/push/subscriptions', { token: fresh })).body.subscriptions).to.deep.equal([]);
  });

  it('forgets a device the push service calls gone (410) and retries after Retry-After on 429', async () => {
    const a = await signUp(system.http, { stem: 'pusher' });
    const b = await signUp(system.http, { stem: 'flaky' });
    const chatId = await befriend(system.http, a, b);
    const gone = await subscribeBrowser(b);
    const busy = await subscribeBrowser(b);
    webPush.answers.set(gone.path, [{ status: 410 }]);
    webPush.answers.set(busy.path, [{ status: 429, headers: { 'retry-after': '1' } }, { status: 201 }]);
    await send(a, chatId, 'anyone there?');
    await waitFor(() => pushesTo(busy.path).length === 2, 20_000);
    const [refused, accepted] = pushesTo(busy.path);
    expect(accepted!.at - refused!.at).to.be.at.least(950);
    expect(busy.decrypt(accepted!.body)).to.deep.include({ preview: 'anyone there?' });
    await waitFor(async () => {
      const listed = await system.http.get('/users/push/subscriptions', { token: b.token });
      return listed.body.subscriptions.length === 1;
    }, 10_000);
    expect((await system.http.get('/users/push/subscriptions', { token: b.token })).body.subscriptions[0].id).to.equal(busy.id);
    expect(pushesTo(gone.path)).to.have.length(1);
    const metrics = await scrape(system.workerOpsUrl(0));
    expect(sampleValue(metrics, 'wetty_device_pushes_total', { provider: 'webpush', outcome: 'device_gone' })).to.be.at.least(1);
    expect(sampleValue(metrics, 'wetty_device_pushes_total', { provider: 'webpush', outcome: 'retry' })).to.be.at.least(1);
    expect(sampleValue(metrics, 'wetty_device_pushes_total', { provider: 'webpush', outcome: 'sent' })).to.be.at.least(2);
    expect(sampleValue(metrics, 'wetty_pushes_skipped_total', { reason: 'online' })).to.be.at.least(1);
  });

  it('pushes a friend request through FCM HTTP v1 with a service-account token', async () => {
    const a = await signUp(system.http, { stem: 'asker' });
    const b = await signUp(system.http, { stem: 'android' });
    const token = `fcm-${randomBytes(16).toString('hex')}`;
    const sub = await system.http.post('/users/push/subscriptions', { token: b.token, json: { kind: 'fcm', token } });
    expect(sub.status, JSON.stringify(sub.body)).to.equal(201);
    const applied = await system.http.post('/friend/apply', { token: a.token, json: { target_user_id: b.uid, apply_msg: 'let us talk' } });
    expect(applied.status).to.equal(201);
    await waitFor(() => fcm.received.length > 0, 15_000);
    expect(fcm.tokenRequests.length).to.be.at.least(1);
    const body = JSON.parse(fcm.received[0]!.body.toString()) as { message: { token: string; notification: { title: string; body: string }; data: { payload: string } } };
    expect(body.message.token).to.equal(token);
    expect(body.message.notification.title).to.equal('Friend request');
    const payload = JSON.parse(body.message.data.payload);
    expect(payload).to.deep.include({ type: 'notification', notification_type: 'friend_request', by_uid: a.uid, preview: 'let us talk' });

    // FCM says the token is unregistered: the device is forgotten.
    const goneToken = `gone-${randomBytes(16).toString('hex')}`;
    await system.http.post('/users/push/subscriptions', { token: b.token, json: { kind: 'fcm', token: goneToken } });
    const c = await signUp(system.http, { stem: 'asker' });
    await system.http.post('/friend/apply', { token: c.token, json: { target_user_id: b.uid } });
    await waitFor(async () => (await system.http.get('/users/push/subscriptions', { token: b.token })).body.subscriptions.length === 1, 15_000);
  });

  it('pushes messages and group invitations through APNs with an ES256 provider token', async () => {
    const a = await signUp(system.http, { stem: 'owner' });
    const b = await signUp(system.http, { stem: 'iphone' });
    const deviceToken = randomBytes(32).toString('hex').replace(/^0+/, 'a');
    const sub = await system.http.post('/users/push/subscriptions', { token: b.token, json: { kind: 'apns', token: deviceToken } });
    expect(sub.status, JSON.stringify(sub.body)).to.equal(201);
    const group = await createGroup(system.http, a, [b], { name: 'Climbers' });
    await waitFor(() => apns.received.length > 0, 15_000);
    const invite = apns.received[0]!;
    expect(invite.path).to.equal(`/3/device/${deviceToken}`);
    expect(invite.headers['apns-push-type']).to.equal('alert');
    const invitation = JSON.parse(invite.body.toString());
    expect(invitation.aps.alert.title).to.equal('Climbers');
    expect(invitation.wetty).to.deep.include({ type: 'notification', notification_type: 'added_to_group', chat_id: group.chat_id, by_uid: a.uid });

    await send(a, group.chat_id, 'rope check');
    await waitFor(() => apns.received.length > 1, 15_000);
    const message = JSON.parse(apns.received[1]!.body.toString());
    expect(apns.received[1]!.headers['apns-collapse-id']).to.equal(`chat-${group.chat_id}`);
    expect(message.aps.alert).to.deep.equal({ title: 'Climbers', body: `${message.wetty.sender_name}: rope check` });
    expect(message.wetty).to.deep.include({ type: 'messages', chat_id: group.chat_id, count: 1, preview: 'rope check' });
  });
});

describe('offline push without previews (PUSH_PREVIEWS=false, real processes)', function () {
  this.timeout(180_000);
  let system: RunningSystem;
  let webPush: LocalService;

  before(async () => {
    webPush = await startWebPushService();
    // A longer delay, so both messages are surely stored before their one push is composed.
    system = await startSystem({ LOG_LEVEL: 'warn', PUSH_DELAY_MS: '1500', PUSH_PREVIEWS: 'false', WEBPUSH_ALLOW_LOCAL: 'true' });
  });
  after(async () => {
    await system?.stop();
    await webPush?.close();
  });

  it('pushes who and how many, never the text of a message or a friend request', async () => {
    const a = await signUp(system.http, { stem: 'quiet' });
    const b = await signUp(system.http, { stem: 'quiet' });
    const c = await signUp(system.http, { stem: 'quiet' });
    const chatId = await befriend(system.http, a, b);
    const browser = browserSubscription(`${webPush.url}/push/${randomBytes(8).toString('hex')}`);
    expect((await system.http.post('/users/push/subscriptions', { token: b.token, json: { kind: 'webpush', endpoint: browser.endpoint, keys: browser.keys } })).status).to.equal(201);
    for (const text of ['the secret plan', 'is on']) {
      const res = await system.http.post(`/chats/${chatId}/messages`, { token: a.token, json: { client_generated_id: randomBytes(8).toString('hex'), message: text, message_type: 'text' } });
      expect(res.status).to.equal(201);
    }
    expect((await system.http.post('/friend/apply', { token: c.token, json: { target_user_id: b.uid, apply_msg: 'private words' } })).status).to.equal(201);
    await waitFor(() => webPush.received.length === 2, 15_000);
    const payloads = webPush.received.map((r) => browser.decrypt(r.body) as Record<string, unknown>);
    expect(payloads.find((p) => p.type === 'messages')).to.deep.include({ count: 2, preview: null, title: payloads.find((p) => p.type === 'messages')?.sender_name, body: '2 new messages' });
    expect(payloads.find((p) => p.type === 'notification')).to.deep.include({ notification_type: 'friend_request', preview: null, title: 'Friend request' });
    const everything = JSON.stringify(payloads);
    for (const secret of ['secret plan', 'is on', 'private words']) expect(everything).to.not.include(secret);
  });
});
