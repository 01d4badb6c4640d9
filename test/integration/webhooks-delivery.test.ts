import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { startTestApi, type TestApi } from '../support/api-server.ts';
import { befriend, createGroup } from '../support/social.ts';
import { waitFor } from '../support/system.ts';
import { signUp, type TestUser } from '../support/users.ts';
import { signatureIsValid, startReceiver, type ReceivedRequest, type Receiver } from '../support/webhook-receiver.ts';
import { startTestWorkers } from '../support/workers.ts';
import { deliverEffects } from '../../shared/effects/deliver-effects.ts';
import { webhookEvents } from '../../shared/webhooks/events.ts';

const operator = { authorization: `Basic ${Buffer.from('ops:a long operator password').toString('base64')}` };
const cgid = () => `c${randomBytes(6).toString('hex')}`;

describe('webhook delivery', function () {
  this.timeout(60_000);
  let api: TestApi;
  let workers: Awaited<ReturnType<typeof startTestWorkers>>;
  let receiver: Receiver;
  const secret = `secret-${randomBytes(12).toString('hex')}`;
  /** Events of messages starting `fail-once` are answered 500 the first time, to prove retries. */
  const failed = new Set<string>();

  before(async () => {
    receiver = await startReceiver((request) => {
      const text: unknown = request.json.data.message?.message;
      if (typeof text === 'string' && text.startsWith('fail-once') && !failed.has(request.json.id)) {
        failed.add(request.json.id);
        return { status: 500 };
      }
      // A little jitter, so deliveries of one chat would overtake each other if nothing kept them in order.
      return { status: 200, delayMs: Math.floor(Math.random() * 15) };
    });
    api = await startTestApi({ OPERATOR_USER: 'ops', OPERATOR_PASSWORD: 'a long operator password', WEBHOOK_ALLOW_PRIVATE: 'true' });
    workers = await startTestWorkers(api.deps.config);
    const registered = await api.http.post('/admin/webhooks', {
      headers: operator,
      json: { url: receiver.url, secret, events: ['message.created', 'message.edited', 'message.recalled', 'reaction.changed', 'member.joined', 'member.left', 'group.created', 'group.disbanded', 'friend.accepted', 'user.registered'] },
    });
    expect(registered.status, JSON.stringify(registered.body)).to.equal(201);
  });
  after(async () => {
    // The database is shared by the run's test files: leave no endpoint for their events.
    await api?.deps.db('webhook_endpoints').where({ url: receiver.url }).delete();
    await workers?.close();
    await api?.close();
    await receiver?.close();
  });

  const eventsOf = (type: string, match: (data: Record<string, any>) => boolean = () => true) =>
    receiver.received.filter((r) => r.json.type === type && match(r.json.data));
  const arrived = async (type: string, match: (data: Record<string, any>) => boolean, count = 1): Promise<ReceivedRequest[]> => {
    await waitFor(() => new Set(eventsOf(type, match).map((r) => r.json.id)).size >= count, 20_000);
    return eventsOf(type, match);
  };
  const send = (user: TestUser, chatId: string, text: string) =>
    api.http.post(`/chats/${chatId}/messages`, { token: user.token, json: { message: text, message_type: 'text', client_generated_id: cgid() } });

  it('signs every delivery so the receiver can verify it with HMAC-SHA256 of "<timestamp>.<body>"', async () => {
    const alice = await signUp(api.http);
    const [registered] = await arrived('user.registered', (d) => d.uid === alice.uid);
    expect(registered).to.not.equal(undefined);
    const request = registered as ReceivedRequest;
    expect(signatureIsValid(secret, request)).to.equal(true);
    expect(signatureIsValid('another secret entirely', request)).to.equal(false);
    expect(signatureIsValid(secret, { ...request, body: request.body.replace(alice.username, 'mallory') })).to.equal(false);
    expect(request.headers['x-wetty-event']).to.equal('user.registered');
    expect(request.headers['x-wetty-delivery']).to.be.a('string').and.not.equal('');
    expect(Math.abs(Number(request.headers['x-wetty-timestamp']) - Date.now() / 1000)).to.be.below(60);
    expect(request.headers['content-type']).to.equal('application/json');
    expect(request.json).to.have.keys(['id', 'type', 'created_at', 'data']);
    expect(request.json.data).to.deep.equal({ uid: alice.uid, username: alice.username });
  });

  it('tells of friendships, messages, edits, recalls and reactions', async () => {
    const [a, b] = await Promise.all([signUp(api.http), signUp(api.http)]);
    const chatId = await befriend(api.http, a, b);
    const [accepted] = await arrived('friend.accepted', (d) => d.chat_id === chatId);
    expect([...(accepted?.json.data.uids ?? [])].sort()).to.deep.equal([a.uid, b.uid].sort());

    const sent = await send(a, chatId, 'hello webhooks');
    expect(sent.status).to.equal(201);
    const msgId = sent.body.id;
    const [created] = await arrived('message.created', (d) => d.message?.id === msgId);
    expect(created?.json.data.message).to.include({ chat_id: chatId, sender_uid: a.uid, message: 'hello webhooks', seq: sent.body.seq });
    expect(signatureIsValid(secret, created as ReceivedRequest)).to.equal(true);

    const edit = await api.http.patch(`/chats/${chatId}/messages/${msgId}`, { token: a.token, json: { message: 'hello webhooks, edited' } });
    expect(edit.status, JSON.stringify(edit.body)).to.equal(200);
    const [edited] = await arrived('message.edited', (d) => d.message?.id === msgId);
    expect(edited?.json.data.message).to.include({ chat_id: chatId, message: 'hello webhooks, edited', edit_count: 1, seq: sent.body.seq });

    expect((await api.http.post(`/chats/${chatId}/messages/${msgId}/reactions`, { token: b.token, json: { emoji: '👍' } })).status).to.equal(200);
    const [reaction] = await arrived('reaction.changed', (d) => d.msg_id === msgId);
    expect(reaction?.json.data).to.deep.equal({ chat_id: chatId, msg_id: msgId, seq: sent.body.seq, uid: b.uid, emoji: '👍', action: 'added' });

    expect((await api.http.post('/chats/message/recall', { token: a.token, json: { msg_id: msgId } })).status).to.equal(200);
    const [recalled] = await arrived('message.recalled', (d) => d.msg_id === msgId);
    expect(recalled?.json.data).to.deep.equal({ chat_id: chatId, msg_id: msgId, seq: sent.body.seq, by_uid: a.uid });

    // The chat's events arrived in the order they happened.
    const order = receiver.received.filter((r) => r.json.data.msg_id === msgId || r.json.data.message?.id === msgId).map((r) => r.json.type);
    expect(order).to.deep.equal(['message.created', 'message.edited', 'reaction.changed', 'message.recalled']);
  });

  it('tells of groups: created, joined, left, disbanded, in that order', async () => {
    const [owner, member] = await Promise.all([signUp(api.http), signUp(api.http)]);
    const group = await createGroup(api.http, owner, [member]);
    expect((await api.http.delete(`/group/${group.id}/members/${member.uid}`, { token: owner.token })).status).to.equal(204);
    expect((await api.http.delete(`/group/${group.id}`, { token: owner.token })).status).to.equal(204);
    await arrived('group.disbanded', (d) => d.group_id === group.id);
    const events = receiver.received.filter((r) => r.json.data.group_id === group.id);
    expect(events.map((r) => r.json.type)).to.deep.equal(['group.created', 'member.joined', 'member.left', 'group.disbanded']);
    expect(events[0]?.json.data).to.deep.include({ group_id: group.id, chat_id: group.chat_id, owner_uid: owner.uid });
    expect(events[1]?.json.data).to.deep.equal({ group_id: group.id, chat_id: group.chat_id, uid: member.uid, by_uid: owner.uid });
    expect(events[2]?.json.data).to.deep.equal({ group_id: group.id, chat_id: group.chat_id, uid: member.uid, by_uid: owner.uid, reason: 'removed' });
  });

  it('delivers the messages of a chat in order, even when many are sent at once by several members', async () => {
    const [owner, x, y] = await Promise.all([signUp(api.http), signUp(api.http), signUp(api.http)]);
    const group = await createGroup(api.http, owner, [x, y]);
    const other = await createGroup(api.http, owner, [x]);
    const sends = [];
    for (let i = 0; i < 20; i++) {
      for (const user of [owner, x, y]) sends.push(send(user, group.chat_id, `m${i}`));
      sends.push(send(x, other.chat_id, `o${i}`));
    }
    const answers = await Promise.all(sends);
    expect(answers.map((a) => a.status).filter((s) => s !== 201)).to.deep.equal([]);
    for (const chat of [group.chat_id, other.chat_id]) {
      const count = answers.filter((a) => a.body.chat_id === chat).length;
      const created = await arrived('message.created', (d) => d.message.chat_id === chat, count);
      const seqs = created.map((r) => r.json.data.message.seq as number);
      expect(seqs, `chat ${chat}`).to.deep.equal([...seqs].sort((p, q) => p - q));
      expect(new Set(seqs).size).to.equal(count);
    }
  });

  it('retries a delivery the receiver answered with a 500, and holds the chat\'s later events until it succeeds', async () => {
    const [a, b] = await Promise.all([signUp(api.http), signUp(api.http)]);
    const chatId = await befriend(api.http, a, b);
    const failing = await send(a, chatId, 'fail-once: the receiver answers 500 the first time');
    const after = await send(a, chatId, 'after the failure');
    await arrived('message.created', (d) => d.message.id === after.body.id);
    const ofChat = receiver.received.filter((r) => r.json.data.message?.chat_id === chatId);
    expect(ofChat.map((r) => r.json.data.message.id)).to.deep.equal([failing.body.id, failing.body.id, after.body.id]);
    // The same event both times (one id), re-signed for its attempt.
    expect(ofChat[0]?.json.id).to.equal(ofChat[1]?.json.id);
    expect(ofChat[0]?.headers['x-wetty-delivery']).to.equal(ofChat[1]?.headers['x-wetty-delivery']);
    expect(signatureIsValid(secret, ofChat[1] as ReceivedRequest)).to.equal(true);
    expect((ofChat[1]?.receivedAt ?? 0) - (ofChat[0]?.receivedAt ?? 0)).to.be.at.least(900);
  });

  it('an endpoint registered once sends have cached the subscriptions gets the next message; removed, it gets no more', async () => {
    const [a, b] = await Promise.all([signUp(api.http), signUp(api.http)]);
    const chatId = await befriend(api.http, a, b);
    expect((await send(a, chatId, 'before the second endpoint')).status).to.equal(201);
    await arrived('message.created', (d) => d.message.message === 'before the second endpoint');
    const late = await startReceiver();
    try {
      const registered = await api.http.post('/admin/webhooks', { headers: operator, json: { url: late.url, events: ['message.created'] } });
      expect(registered.status).to.equal(201);
      expect((await send(a, chatId, 'after the second endpoint')).status).to.equal(201);
      await waitFor(() => late.received.some((r) => r.json.data.message?.message === 'after the second endpoint'), 20_000);
      expect(late.received.map((r) => r.json.data.message?.message)).to.not.include('before the second endpoint');

      expect((await api.http.delete(`/admin/webhooks/${registered.body.id}`, { headers: operator })).status).to.equal(204);
      expect((await send(a, chatId, 'after the removal')).status).to.equal(201);
      await arrived('message.created', (d) => d.message.message === 'after the removal');
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(late.received.map((r) => r.json.data.message?.message)).to.not.include('after the removal');
    } finally {
      await late.close();
    }
  });

  it('enqueues a repeated effect once: the event id is fixed in the effect, so its job is the same', async () => {
    const uid = randomBytes(16).toString('hex');
    const recorded = webhookEvents.userRegistered(uid, 'repeated_effect');
    const effects = [{ kind: 'webhooks' as const, events: [recorded] }];
    // As the committer and then the relay would: the same outbox row delivered three times.
    for (let i = 0; i < 3; i++) await deliverEffects(workers.deps, effects, '999999999');
    await arrived('user.registered', (d) => d.uid === uid);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const deliveries = eventsOf('user.registered', (d) => d.uid === uid);
    expect(deliveries).to.have.length(1);
    expect(deliveries[0]?.json.id).to.equal(recorded.event.id);
  });
});
