import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import type { Job } from 'bullmq';
import { Redis } from 'ioredis';
import { SendReplies } from '../../shared/contracts/send-replies.ts';
import { findLiveSessions } from '../../shared/db/repositories/sessions.repository.ts';
import { sendBatchJob, type JobData, type SendRequest } from '../../shared/queues/contracts.ts';
import { sendBatchProcessor } from '../../workers/processors/send-batch.processor.ts';
import { startTestApi, type TestApi } from '../support/api-server.ts';
import { textSendRequest } from '../support/send-requests.ts';
import { befriend } from '../support/social.ts';
import { waitFor } from '../support/system.ts';
import { logIn, signUp, type TestUser } from '../support/users.ts';
import { startTestWorkers } from '../support/workers.ts';

type BatchData = JobData<typeof sendBatchJob>;

/**
 * The api gathers concurrent sends into one `send-batch` job and answers each from the worker's
 * replies (real api, workers, PostgreSQL and Redis). The batch window is long here, so requests sent
 * together surely share a job.
 */
describe('send batches: many sends in one job, each answered on its own', function () {
  this.timeout(60_000);
  let api: TestApi;
  let workers: Awaited<ReturnType<typeof startTestWorkers>>;
  let listener: Redis;
  const heard: { channel: string; message: string }[] = [];
  const newUser = () => signUp(api.http, { stem: 'sb' });
  const cgid = () => `sb-${randomBytes(6).toString('hex')}`;
  const send = (user: TestUser, chatId: string, id: string, message: string) =>
    api.http.post(`/chats/${chatId}/messages`, { token: user.token, json: { client_generated_id: id, message_type: 'text', message } });

  before(async () => {
    api = await startTestApi({ API_SEND_BATCH_WAIT_MS: '50' });
    workers = await startTestWorkers(api.deps.config);
    listener = new Redis(api.deps.config.redis.url);
    listener.on('message', (channel: string, message: string) => heard.push({ channel, message }));
  });
  after(async () => {
    await listener.quit();
    await workers.close();
    await api.close();
  });

  it('two requests with one client_generated_id in one batch share one message; other content under that id is 409', async () => {
    const [a, b] = [await newUser(), await newUser()];
    const chatId = await befriend(api.http, a, b);
    const id = cgid();
    const [first, second] = await Promise.all([send(a, chatId, id, 'same'), send(a, chatId, id, 'same')]);
    expect([first.status, second.status]).to.deep.equal([201, 201]);
    expect(first.body.id).to.equal(second.body.id);
    const other = cgid();
    const answers = await Promise.all([send(a, chatId, other, 'one text'), send(a, chatId, other, 'another text')]);
    expect(answers.map((r) => r.status).sort()).to.deep.equal([201, 409]);
    expect(answers.find((r) => r.status === 409)?.body.error.code).to.equal('client_generated_id_reused');
    expect(await api.deps.db('messages').where({ chat_id: chatId }).orderBy('seq').pluck('seq')).to.deep.equal(['1', '2']);
  });

  it('a completed batch leaves no job behind in Redis (its outcomes went back on the reply channel)', async () => {
    const [a, b] = [await newUser(), await newUser()];
    const chatId = await befriend(api.http, a, b);
    const answers = await Promise.all([send(a, chatId, cgid(), 'one'), send(b, chatId, cgid(), 'two')]);
    expect(answers.map((r) => r.status)).to.deep.equal([201, 201]);
    const queue = api.deps.queues[sendBatchJob.queue];
    await waitFor(async () => (await queue.getJobCounts('active')).active === 0, 5000);
    expect(await queue.getJobCounts('completed', 'failed')).to.deep.equal({ completed: 0, failed: 0 });
  });

  it('a retry of a stored message batched with new ones: the retry gets the stored message, the new ones the next seqs, with no gap', async () => {
    const [a, b] = [await newUser(), await newUser()];
    const chatId = await befriend(api.http, a, b);
    const stored = await send(a, chatId, 'sb-stored', 'first');
    expect(stored.status).to.equal(201);
    // The batch's first attempt stores without looking client ids up; the retry makes it start over with the lookup.
    const [retry, fresh, fromB] = await Promise.all([send(a, chatId, 'sb-stored', 'first'), send(a, chatId, cgid(), 'second'), send(b, chatId, cgid(), 'third')]);
    expect([retry.status, fresh.status, fromB.status]).to.deep.equal([201, 201, 201]);
    expect(retry.body.id).to.equal(stored.body.id);
    expect([fresh.body.seq, fromB.body.seq].sort()).to.deep.equal([2, 3]);
    expect(await api.deps.db('messages').where({ chat_id: chatId }).orderBy('seq').pluck('seq')).to.deep.equal(['1', '2', '3']);
  });

  it('a refused and an accepted send in one batch get their own answers; the refused one retried later runs afresh', async () => {
    const [a, b, stranger] = [await newUser(), await newUser(), await newUser()];
    const chatId = await befriend(api.http, a, b);
    const refusedId = cgid();
    const [refused, accepted] = await Promise.all([send(stranger, chatId, refusedId, 'let me in'), send(a, chatId, cgid(), 'hello')]);
    expect(refused.status, JSON.stringify(refused.body)).to.equal(403);
    expect(refused.body.error.code).to.equal('not_member');
    expect(accepted.status).to.equal(201);
    expect(accepted.body.seq).to.equal(1);
    // The refusal does not stick to its client_generated_id: the same send is gated again.
    const again = await send(stranger, chatId, refusedId, 'let me in');
    expect(again.status).to.equal(403);
    expect(await api.deps.db('messages').where({ sender_uid: stranger.uid })).to.have.length(0);
  });

  it('a send is answered once its frames are out, without waiting for its offline pushes to be scheduled', async () => {
    const [a, b] = [await newUser(), await newUser()];
    const chatId = await befriend(api.http, a, b);
    const channel = api.deps.keys.userChannel(b.uid);
    await listener.subscribe(channel);
    const outboxRowsOf = async (msgId: string) => Number((await api.deps.db('outbox').whereRaw('effects::text like ?', [`%"${msgId}"%`]).count<{ n: string }[]>('* as n'))[0]?.n);
    let msgId = '';
    // Scheduling the offline pushes reads push_subscriptions: held up until this lock goes.
    const lock = await api.deps.db.transaction();
    try {
      await lock.raw('lock table push_subscriptions in access exclusive mode');
      const started = Date.now();
      const answer = await send(a, chatId, cgid(), 'answered before its pushes');
      expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
      msgId = answer.body.id;
      expect(Date.now() - started).to.be.below(api.deps.config.api.jobWaitMs);
      // Its on_message went out before the answer.
      expect(heard.some((h) => h.channel === channel && h.message.includes(`"id":"${answer.body.id}"`))).to.equal(true);
      // The outbox row is done only once the pushes are scheduled too.
      expect(await outboxRowsOf(msgId)).to.equal(1);
    } finally {
      await lock.rollback();
    }
    await waitFor(async () => (await outboxRowsOf(msgId)) === 0, 10_000);
  });

  /** A batch job as BullMQ would hand it to a worker, for running the processor by hand. */
  const jobOf = (data: BatchData, attempts: number, updates: BatchData[]) =>
    ({
      id: `by-hand-${randomBytes(4).toString('hex')}`,
      data,
      attemptsMade: 0,
      opts: { attempts },
      updateData: async (next: BatchData) => {
        updates.push(next);
      },
    }) as unknown as Job;

  const batchOf = async (channel: string) => {
    const [a, b] = [await newUser(), await newUser()];
    const chatId = await befriend(api.http, a, b);
    const session = await api.deps.db('sessions').where({ uid: a.uid }).first();
    const request = (message: string) => textSendRequest({ sender_uid: a.uid, client_key: session.client_key, chat_id: chatId, message, client_generated_id: cgid() });
    const data: BatchData = { chat_id: chatId, reply_to: channel, sends: ['one', 'two', 'three'].map((m, ref) => ({ ...request(m), ref })) };
    return { chatId, data, sender: a };
  };
  const repliesOn = (channel: string) => heard.filter((h) => h.channel === channel).map((h) => SendReplies.parse(JSON.parse(h.message)));

  it('a batch run again (its worker died after commit) answers the stored messages: no second row, no gap', async () => {
    const channel = `${api.deps.config.redis.prefix}:test-replies:${randomBytes(4).toString('hex')}`;
    await listener.subscribe(channel);
    const { chatId, data } = await batchOf(channel);
    const first = await sendBatchProcessor.handle(data, workers.deps, jobOf(data, 8, []));
    const second = await sendBatchProcessor.handle(data, workers.deps, jobOf(data, 8, []));
    expect(first).to.deep.equal({ created: 3, existing: 0, refused: 0 });
    expect(second).to.deep.equal({ created: 0, existing: 3, refused: 0 });
    await waitFor(() => repliesOn(channel).length === 2, 5000);
    const [once, twice] = repliesOn(channel);
    const idsOf = (r: SendReplies | undefined) => r?.replies.map((x) => (x.outcome.kind === 'stored' ? x.outcome.message.id : null));
    expect(idsOf(twice)).to.deep.equal(idsOf(once));
    expect(await api.deps.db('messages').where({ chat_id: chatId }).orderBy('seq').pluck('message')).to.deep.equal(['one', 'two', 'three']);
  });

  it('a send whose session ended or expired before its batch ran, or whose key is no session’s, is refused session_ended; the live session in the batch is stored', async () => {
    const channel = `${api.deps.config.redis.prefix}:test-replies:${randomBytes(4).toString('hex')}`;
    await listener.subscribe(channel);
    const { chatId, data, sender } = await batchOf(channel);
    const keys = async () => new Set<string>(await api.deps.db('sessions').where({ uid: sender.uid }).pluck('client_key'));
    const live = [...(await keys())][0] as string;
    // Two more sessions of the sender, whose sends were accepted: one then logs out, one expires.
    const newSession = async () => {
      const before = await keys();
      const token = await logIn(api.http, sender.username, sender.password, 'mobile');
      return { token, key: [...(await keys())].find((k) => !before.has(k)) as string };
    };
    const [ended, expired] = [await newSession(), await newSession()];
    expect((await api.http.post('/users/auth/logout', { token: ended.token })).status).to.equal(204);
    await api.deps.db('sessions').where({ uid: sender.uid, client_key: expired.key }).update({ expires_at: new Date(Date.now() - 1000) });
    const [first] = data.sends as [BatchData['sends'][number]];
    const batch: BatchData = {
      ...data,
      // Beside them, keys no token carries (the job contract refuses them; the check must too):
      // the live key padded with spaces, the live key and more, and a made-up one.
      sends: [live, ended.key, expired.key, `${live}   `, `${live}X`, '0123456789abcdef'].map((client_key, ref) => ({ ...first, ref, client_key, client_generated_id: cgid(), message: `from ${ref}` })),
    };
    expect(await sendBatchProcessor.handle(batch, workers.deps, jobOf(batch, 8, []))).to.deep.equal({ created: 1, existing: 0, refused: 5 });
    await waitFor(() => repliesOn(channel).flatMap((r) => r.replies).length === 6, 5000);
    const outcomes = repliesOn(channel).flatMap((r) => r.replies).sort((x, y) => x.ref - y.ref);
    expect(outcomes.map((r) => (r.outcome.kind === 'refused' ? r.outcome.refusal.code : r.outcome.kind))).to.deep.equal(['stored', ...Array<string>(5).fill('session_ended')]);
    expect(await api.deps.db('messages').where({ chat_id: chatId }).pluck('message')).to.deep.equal(['from 0']);
    // The session lookup itself matches keys exactly, not as `char` compares them.
    const lookUp = (clientKey: string) => findLiveSessions(api.deps.db, [{ uid: sender.uid, clientKey }]);
    expect(await lookUp(live)).to.deep.equal([{ uid: sender.uid, client_key: live }]);
    for (const key of [`${live}   `, `${live}X`, live.slice(0, 8), '']) expect(await lookUp(key), JSON.stringify(key)).to.deep.equal([]);
  });

  it('an ended session is refused session_ended before the gate’s own refusal; the same sender’s live session gets the gate’s (not_member)', async () => {
    const channel = `${api.deps.config.redis.prefix}:test-replies:${randomBytes(4).toString('hex')}`;
    await listener.subscribe(channel);
    const { chatId, data } = await batchOf(channel);
    // Someone outside the chat, with a live session and with one that has ended.
    const outsider = await newUser();
    const liveKey = (await api.deps.db('sessions').where({ uid: outsider.uid }).first()).client_key as string;
    const endedToken = await logIn(api.http, outsider.username, outsider.password, 'mobile');
    const endedKey = (await api.deps.db('sessions').where({ uid: outsider.uid }).whereNot({ client_key: liveKey }).first()).client_key as string;
    expect((await api.http.post('/users/auth/logout', { token: endedToken })).status).to.equal(204);
    const [first] = data.sends as [BatchData['sends'][number]];
    const batch: BatchData = {
      ...data,
      sends: [liveKey, endedKey].map((client_key, ref) => ({ ...first, ref, sender_uid: outsider.uid, client_key, client_generated_id: cgid(), message: `outsider ${ref}` })),
    };
    expect(await sendBatchProcessor.handle(batch, workers.deps, jobOf(batch, 8, []))).to.deep.equal({ created: 0, existing: 0, refused: 2 });
    await waitFor(() => repliesOn(channel).flatMap((r) => r.replies).length === 2, 5000);
    const codes = repliesOn(channel).flatMap((r) => r.replies).sort((x, y) => x.ref - y.ref).map((r) => (r.outcome.kind === 'refused' ? r.outcome.refusal.code : r.outcome.kind));
    expect(codes).to.deep.equal(['not_member', 'session_ended']);
    expect(await api.deps.db('messages').where({ chat_id: chatId }).count<{ count: string }[]>('* as count')).to.deep.equal([{ count: '0' }]);
  });

  it('a send that fails for a transient reason is all the job retries; after its last attempt it is answered as failed', async () => {
    const channel = `${api.deps.config.redis.prefix}:test-replies:${randomBytes(4).toString('hex')}`;
    await listener.subscribe(channel);
    const { chatId, data } = await batchOf(channel);
    const failing = data.sends[1]?.client_generated_id;
    const flaky = {
      ...workers.deps,
      sendBatcher: { submit: (send: SendRequest) => (send.client_generated_id === failing ? Promise.reject(new Error('database away')) : workers.deps.sendBatcher.submit(send)) },
    } as typeof workers.deps;
    const updates: BatchData[] = [];
    let thrown: unknown = null;
    await sendBatchProcessor.handle(data, flaky, jobOf(data, 8, updates)).catch((err: unknown) => (thrown = err));
    expect((thrown as Error | null)?.message).to.equal('database away');
    expect(updates.map((u) => u.sends.map((s) => s.ref))).to.deep.equal([[1]]);
    await waitFor(() => repliesOn(channel).length === 1, 5000);
    expect(repliesOn(channel)[0]?.replies.map((r) => [r.ref, r.outcome.kind])).to.deep.equal([[0, 'stored'], [2, 'stored']]);

    // Its last attempt: answered as failed, so the api answers 500 instead of waiting.
    const retry = updates[0] as BatchData;
    await sendBatchProcessor.handle(retry, flaky, jobOf(retry, 1, [])).catch(() => undefined);
    await waitFor(() => repliesOn(channel).length === 2, 5000);
    expect(repliesOn(channel)[1]?.replies.map((r) => [r.ref, r.outcome.kind])).to.deep.equal([[1, 'failed']]);
    expect(await api.deps.db('messages').where({ chat_id: chatId }).orderBy('seq').pluck('message')).to.deep.equal(['one', 'three']);
  });
});
