import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { removeMember } from '../../api/groups/group-members.service.ts';
import { revokeSession } from '../../api/users/auth.service.ts';
import { authenticateToken, type AuthContext } from '../../shared/auth/authenticate.ts';
import { Effects } from '../../shared/contracts/effects.ts';
import { deliverEffects } from '../../shared/effects/deliver-effects.ts';
import { commitWithEffects } from '../../shared/effects/outbox.ts';
import { relayOverdue } from '../../workers/outbox-relay.ts';
import { editMessageProcessor } from '../../workers/processors/edit-message.processor.ts';
import { reactProcessor } from '../../workers/processors/react.processor.ts';
import { recallMessageProcessor } from '../../workers/processors/recall-message.processor.ts';
import { reminderProcessor } from '../../workers/processors/reminder.processor.ts';
import type { SendRequest } from '../../workers/send/gate.ts';
import { sendBatch } from '../../workers/send/send-pipeline.ts';
import type { Job } from 'bullmq';
import { startTestApi, type TestApi } from '../support/api-server.ts';
import { befriend, createGroup } from '../support/social.ts';
import { freePort, waitFor } from '../support/system.ts';
import { signUp, type TestUser } from '../support/users.ts';
import { startTestWorkers } from '../support/workers.ts';

/**
 * Effects written with the change they follow (the outbox) and delivered after commit — or, when
 * Redis refuses or the process stops, by the workers' relay. Redis "refusing" is a client pointed at
 * a closed port (nothing here restarts the machine's Redis); the relay is run by hand so each test
 * sees exactly what it delivers.
 */
describe('effects after commit: outbox and relay (PostgreSQL and Redis)', function () {
  this.timeout(60_000);
  let api: TestApi;
  let workers: Awaited<ReturnType<typeof startTestWorkers>>;
  let deadRedis: Redis;
  let listener: Redis;
  const heard: { channel: string; message: string }[] = [];
  const newUser = () => signUp(api.http, { stem: 'fx' });
  const cgid = () => `fx-${randomBytes(6).toString('hex')}`;
  const authOf = async (user: TestUser): Promise<AuthContext> => (await authenticateToken(api.deps.db, user.token)) as AuthContext;
  const listen = async (channel: string) => {
    await listener.subscribe(channel);
  };
  const heardOn = (channel: string, match: (frame: { event: string; data: Record<string, any> }) => boolean) =>
    heard.filter((h) => h.channel === channel).map((h) => JSON.parse(h.message)).filter(match);
  const outboxRows = async () => Number((await workers.deps.db('outbox').count<{ count: string }[]>('* as count'))[0]?.count);
  /** Rows delivered right after commit are deleted a moment later (shared/effects/outbox.ts): waits for the count to settle at `n`. */
  const outboxSettlesAt = (n: number) => waitFor(async () => (await outboxRows()) === n, 5000);
  const relayAll = async () => {
    // Until a pass that had the delivery turn found nothing left (the background relay takes it too).
    for (let relayed = await relayOverdue(workers.deps, 0); relayed !== 0; relayed = await relayOverdue(workers.deps, 0)) {
      if (relayed === null) await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  before(async () => {
    // The background relay waits far longer than any test: only `relayAll` delivers what was left.
    api = await startTestApi({ OUTBOX_RELAY_AFTER_MS: '600000' });
    workers = await startTestWorkers(api.deps.config);
    deadRedis = new Redis({ port: await freePort(), lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    deadRedis.on('error', () => undefined);
    listener = new Redis(api.deps.config.redis.url);
    listener.on('message', (channel: string, message: string) => heard.push({ channel, message }));
  });
  after(async () => {
    listener?.disconnect();
    deadRedis?.disconnect();
    await workers?.close();
    await api?.close();
  });
  beforeEach(async () => {
    await relayAll();
    heard.length = 0;
  });

  it('rows delivered right after commit are deleted together, not one statement each', async () => {
    const deletes: string[] = [];
    const count = (query: { sql: string }) => {
      if (/^delete from "?outbox"?/.test(query.sql)) deletes.push(query.sql);
    };
    api.deps.db.on('query', count);
    try {
      const keys = Array.from({ length: 10 }, () => `${api.deps.config.redis.prefix}:test:{${randomBytes(4).toString('hex')}}`);
      await Promise.all(keys.map((key) => commitWithEffects(api.deps, async (_trx, effects) => {
        effects.push({ kind: 'invalidate', keys: [key] });
      })));
      await outboxSettlesAt(0);
      expect(deletes.length, 'one delete per 10 delivered rows at most').to.be.within(1, 9);
    } finally {
      api.deps.db.removeListener('query', count);
    }
  });

  it('a process that closes deletes the rows it delivered first, leaving the relay nothing to repeat', async () => {
    const closing = await startTestApi();
    const key = `${closing.deps.config.redis.prefix}:test:{closing}`;
    await commitWithEffects(closing.deps, async (_trx, effects) => {
      effects.push({ kind: 'invalidate', keys: [key] });
    });
    await closing.close();
    expect(await api.deps.db('outbox').whereRaw('effects @> ?::jsonb', [JSON.stringify([{ keys: [key] }])])).to.have.length(0);
  });

  it('a `sent` row whose messages are gone delivers nothing and does not fail; one naming no messages, or ids that are not numbers, breaks the contract', async () => {
    const [a, b] = [await newUser(), await newUser()];
    const chatId = await befriend(api.http, a, b);
    const channel = api.deps.keys.userChannel(b.uid);
    await listen(channel);
    // As the relay would deliver a batch's row after its group was disbanded: ids no row has any more.
    await deliverEffects(workers.deps, Effects.parse([{ kind: 'sent', msg_ids: ['999999999999'], chat_ids: [chatId] }]), '999999999');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(heardOn(channel, () => true)).to.have.length(0);
    for (const bad of [
      { kind: 'sent', msg_ids: [], chat_ids: [chatId] },
      { kind: 'sent', msg_ids: ['1'], chat_ids: [] },
      { kind: 'sent', msg_ids: ['1; drop table messages'], chat_ids: [chatId] },
      { kind: 'sent', msg_ids: [1], chat_ids: [chatId] },
    ]) expect(Effects.safeParse([bad]).success, JSON.stringify(bad)).to.equal(false);
  });

  it('a kick committed while Redis refuses answers success, and the relay later tells the nodes and the member', async () => {
    const [owner, member] = [await newUser(), await newUser()];
    const group = await createGroup(api.http, owner, [member]);
    const channel = api.deps.keys.userChannel(member.uid);
    await listen(channel);
    const factKey = api.deps.keys.memberFacts(group.chat_id, member.uid);
    await api.deps.userState.member(group.chat_id, member.uid); // cached: member
    expect(await api.deps.redis.exists(factKey)).to.equal(1);

    // The change commits; delivering its effects fails. The caller is still told it worked.
    await removeMember({ ...api.deps, redis: deadRedis }, await authOf(owner), group.id, member.uid);
    expect(await api.deps.db('chat_members').where({ chat_id: group.chat_id, uid: member.uid })).to.have.length(0);
    await outboxSettlesAt(1);
    expect(heardOn(channel, () => true)).to.have.length(0);

    await relayAll();
    await waitFor(() => heardOn(channel, (f) => f.event === '_membership').length === 1, 5000);
    expect(heardOn(channel, (f) => f.event === '_membership')[0]?.data).to.deep.equal({ chat_id: group.chat_id, member: false });
    await waitFor(() => heardOn(channel, (f) => f.event === 'on_notify' && f.data.type === 'removed_from_group').length === 1, 5000);
    expect(await api.deps.redis.exists(factKey), 'the stale membership fact is dropped').to.equal(0);
    await outboxSettlesAt(0);
  });

  it('a change committed behind a failed delivery does not overtake it: its committer delivers both, in commit order, without waiting for the relay', async () => {
    const [owner, member, friend] = [await newUser(), await newUser(), await newUser()];
    const group = await createGroup(api.http, owner, [member]);
    const chatId = await befriend(api.http, friend, member);
    const channel = api.deps.keys.userChannel(member.uid);
    await listen(channel);
    await removeMember({ ...api.deps, redis: deadRedis }, await authOf(owner), group.id, member.uid);
    expect(await api.deps.db('outbox').where('attempts', '>', 0)).to.have.length(1);

    // Redis answers again; the next change (a message to the member) is recorded behind the kick.
    const request: SendRequest = {
      sender_uid: friend.uid, client_key: (await authOf(friend)).clientKey, chat_id: chatId, client_generated_id: cgid(), message: 'after the kick',
      message_type: 'text', format: 'plain', reply_to_id: null, reply_root_id: null, forward_from_id: null, mentions: [], remind_at: null,
      accepted_at: new Date().toISOString(),
    };
    expect((await sendBatch(workers.deps, [request]))[0]?.kind).to.equal('created');
    await waitFor(() => heardOn(channel, (f) => f.event === 'on_message').length === 1, 5000);
    const events = heardOn(channel, () => true).map((f) => f.event);
    expect(events.indexOf('_membership'), events.join(' ')).to.be.within(0, events.indexOf('on_message') - 1);
    await outboxSettlesAt(0); // both delivered by the committer, the relay never ran
  });

  it('a session revoked while Redis refuses is still revoked, and the relay closes its sockets', async () => {
    const user = await newUser();
    const auth = await authOf(user);
    const channel = api.deps.keys.userChannel(user.uid);
    await listen(channel);
    await revokeSession({ ...api.deps, redis: deadRedis }, auth, auth.clientKey);
    expect(await authenticateToken(api.deps.db, user.token)).to.equal(null);
    await relayAll();
    await waitFor(() => heardOn(channel, (f) => f.event === '_session_revoked').length === 1, 5000);
    expect(heardOn(channel, (f) => f.event === '_session_revoked')[0]?.data).to.deep.equal({ client_key: auth.clientKey });
  });

  it('a message whose push failed after commit is pushed by the relay; its retried job answers it and pushes nothing twice', async () => {
    const [a, b] = [await newUser(), await newUser()];
    const chatId = await befriend(api.http, a, b);
    const channel = api.deps.keys.userChannel(b.uid);
    await listen(channel);
    const request: SendRequest = {
      sender_uid: a.uid, client_key: (await authOf(a)).clientKey, chat_id: chatId, client_generated_id: cgid(), message: 'after a failed push',
      message_type: 'text', format: 'plain', reply_to_id: null, reply_root_id: null, forward_from_id: null, mentions: [], remind_at: null,
      accepted_at: new Date().toISOString(),
    };
    const [first] = await sendBatch({ ...workers.deps, redis: deadRedis }, [request]);
    expect(first?.kind).to.equal('created');
    await outboxSettlesAt(1);

    // The job runs again (a stalled job after a crash): it answers the stored message.
    const [again] = await sendBatch(workers.deps, [request]);
    expect(again?.kind).to.equal('existing');
    await relayAll();
    await waitFor(() => heardOn(channel, (f) => f.event === 'on_message').length >= 1, 5000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const pushed = heardOn(channel, (f) => f.event === 'on_message');
    expect(pushed).to.have.length(1);
    expect(pushed[0]?.data).to.include({ message: 'after a failed push', seq: 1 });
  });

  it('a recall whose push failed succeeds, and on_recall still reaches the chat', async () => {
    const [a, b] = [await newUser(), await newUser()];
    const chatId = await befriend(api.http, a, b);
    const sent = await api.http.post(`/chats/${chatId}/messages`, { token: a.token, json: { client_generated_id: cgid(), message_type: 'text', message: 'oops' } });
    expect(sent.status).to.equal(201);
    const channel = api.deps.keys.userChannel(b.uid);
    await listen(channel);
    const data = { uid: a.uid, msg_id: sent.body.id, requested_at: new Date().toISOString() };
    const answer = await recallMessageProcessor.handle(data, { ...workers.deps, redis: deadRedis }, {} as Job);
    expect(answer).to.deep.equal({ chat_id: chatId, msg_id: sent.body.id, seq: 1, recalled: true });
    // A second run answers the same.
    expect(await recallMessageProcessor.handle(data, workers.deps, {} as Job)).to.deep.equal(answer);
    await relayAll();
    await waitFor(() => heardOn(channel, (f) => f.event === 'on_recall').length === 1, 5000);
    expect(heardOn(channel, (f) => f.event === 'on_recall')[0]?.data).to.deep.equal({ chat_id: chatId, msg_id: sent.body.id, seq: 1, cursor: 1 });
  });

  it('a reaction removal whose push failed succeeds with the new tally, answers the same when its job runs again; on_reaction still reaches the chat', async () => {
    const [a, b] = [await newUser(), await newUser()];
    const chatId = await befriend(api.http, a, b);
    const sent = await api.http.post(`/chats/${chatId}/messages`, { token: a.token, json: { client_generated_id: cgid(), message_type: 'text', message: 'react to me' } });
    const added = await api.http.post(`/chats/${chatId}/messages/${sent.body.id}/reactions`, { token: b.token, json: { emoji: '👍' } });
    expect(added.status).to.equal(200);
    const channel = api.deps.keys.userChannel(a.uid);
    await listen(channel);
    const data = { uid: b.uid, chat_id: chatId, msg_id: sent.body.id, emoji: '👍', action: 'remove' as const };
    const job = { id: `react-test-${cgid()}` } as Job;
    const answer = await reactProcessor.handle(data, { ...workers.deps, redis: deadRedis }, job);
    expect(answer).to.deep.equal({ chat_id: chatId, msg_id: sent.body.id, reactions: [] });
    // The same job run again (recovered after a crash past its commit) answers the same, not 404.
    expect(await reactProcessor.handle(data, workers.deps, job)).to.deep.equal(answer);
    // Another request to remove it is refused: there is nothing left to remove.
    const other = await reactProcessor.handle(data, workers.deps, { id: `react-test-${cgid()}` } as Job).catch((err: Error) => err);
    expect(other).to.be.instanceOf(Error);
    expect((other as Error).message).to.match(/not_found/);
    await relayAll();
    await waitFor(() => heardOn(channel, (f) => f.event === 'on_reaction' && f.data.action === 'removed').length === 1, 5000);
  });

  it('an edit whose push failed succeeds; the same job run again answers the same message and edits once; on_edit still reaches the chat', async () => {
    const [a, b] = [await newUser(), await newUser()];
    const chatId = await befriend(api.http, a, b);
    const sent = await api.http.post(`/chats/${chatId}/messages`, { token: a.token, json: { client_generated_id: cgid(), message_type: 'text', message: 'frist' } });
    const channel = api.deps.keys.userChannel(b.uid);
    await listen(channel);
    const data = { uid: a.uid, chat_id: chatId, msg_id: sent.body.id, message: 'first', format: 'plain' as const, requested_at: new Date().toISOString() };
    const job = { id: `edit-test-${cgid()}` } as Job;
    const answer = await editMessageProcessor.handle(data, { ...workers.deps, redis: deadRedis }, job);
    expect(answer).to.include({ id: sent.body.id, message: 'first', edit_count: 1 });
    // The same job run again (recovered after a crash past its commit) answers the message, with no second version.
    expect(await editMessageProcessor.handle({ ...data, message: 'first!' }, workers.deps, job)).to.deep.equal(answer);
    expect(await api.deps.db('message_edits').where({ message_id: sent.body.id })).to.have.length(1);
    expect(await api.deps.db('chat_changes').where({ chat_id: chatId })).to.have.length(1);
    await relayAll();
    await waitFor(() => heardOn(channel, (f) => f.event === 'on_edit').length === 1, 5000);
    expect(heardOn(channel, (f) => f.event === 'on_edit')[0]?.data).to.include({ chat_id: chatId, msg_id: sent.body.id, message: 'first', edit_count: 1, cursor: 1 });
  });

  it('a reminder job run twice reminds each person once', async () => {
    const [a, b] = [await newUser(), await newUser()];
    const chatId = await befriend(api.http, a, b);
    const sent = await api.http.post(`/chats/${chatId}/messages`, {
      token: a.token,
      json: { client_generated_id: cgid(), message_type: 'reminder', message: 'call mum', remind_at: new Date(Date.now() + 3600_000).toISOString(), mentions: [b.uid] },
    });
    expect(sent.status, JSON.stringify(sent.body)).to.equal(201);
    for (let run = 0; run < 2; run++) await reminderProcessor.handle({ msg_id: sent.body.id }, workers.deps, {} as Job);
    for (const user of [a, b]) expect(await api.deps.db('notifications').where({ uid: user.uid, type: 'reminder' }), user === a ? 'sender' : 'mentioned').to.have.length(1);
  });

  it('a refused send stores one send_failed however often its job runs', async () => {
    const [a, stranger] = [await newUser(), await newUser()];
    const chatId = await befriend(api.http, a, await newUser());
    const request: SendRequest = {
      sender_uid: stranger.uid, client_key: (await authOf(stranger)).clientKey, chat_id: chatId, client_generated_id: cgid(), message: 'not mine',
      message_type: 'text', format: 'plain', reply_to_id: null, reply_root_id: null, forward_from_id: null, mentions: [], remind_at: null,
      accepted_at: new Date().toISOString(),
    };
    for (let run = 0; run < 3; run++) expect((await sendBatch(workers.deps, [request]))[0]?.kind).to.equal('refused');
    const stored = await api.deps.db('notifications').where({ uid: stranger.uid, type: 'send_failed' });
    expect(stored).to.have.length(1);
    // A new request with the same id (accepted later) is a new attempt, told again.
    await sendBatch(workers.deps, [{ ...request, accepted_at: new Date(Date.now() + 1000).toISOString() }]);
    expect(await api.deps.db('notifications').where({ uid: stranger.uid, type: 'send_failed' })).to.have.length(2);
  });

  it('one message the database refuses fails alone; the rest of its batch is stored', async () => {
    const [a, b] = [await newUser(), await newUser()];
    const chatId = await befriend(api.http, a, b);
    const clientKey = (await authOf(a)).clientKey;
    const base = {
      sender_uid: a.uid, client_key: clientKey, chat_id: chatId, message_type: 'text' as const, format: 'plain' as const, reply_to_id: null,
      reply_root_id: null, forward_from_id: null, mentions: [], remind_at: null, accepted_at: new Date().toISOString(),
    };
    // The api never sends a 65-character client_generated_id; the column holds 64, so storing it fails.
    const requests: SendRequest[] = [
      { ...base, client_generated_id: cgid(), message: 'one' },
      { ...base, client_generated_id: 'x'.repeat(65), message: 'bad' },
      { ...base, client_generated_id: cgid(), message: 'two' },
    ];
    const outcomes = await sendBatch(workers.deps, requests);
    expect(outcomes.map((o) => o.kind)).to.deep.equal(['created', 'failed', 'created']);
    expect((await api.deps.db('messages').where({ chat_id: chatId }).orderBy('seq')).map((m) => [m.seq, m.message])).to.deep.equal([['1', 'one'], ['2', 'two']]);
  });
});
