import { expect } from 'chai';
import { reactJob } from '../../shared/queues/contracts.ts';
import { startTestApi, type TestApi } from '../support/api-server.ts';
import { befriend } from '../support/social.ts';
import { waitFor } from '../support/system.ts';
import { signUp } from '../support/users.ts';
import { startTestWorkers } from '../support/workers.ts';

/**
 * Recalls, reactions and edits run on the `message-actions` queue, whose events the api waits on;
 * sends stay on `messages`, whose events nobody reads (real api, workers, PostgreSQL and Redis).
 */
describe('the message-actions queue', function () {
  this.timeout(60_000);
  let api: TestApi;
  let workers: Awaited<ReturnType<typeof startTestWorkers>>;
  before(async () => {
    api = await startTestApi();
    workers = await startTestWorkers(api.deps.config);
  });
  after(async () => {
    await workers.close();
    await api.close();
  });

  async function storedMessage() {
    const [a, b] = [await signUp(api.http, { stem: 'mq' }), await signUp(api.http, { stem: 'mq' })];
    const chatId = await befriend(api.http, a, b);
    const sent = await api.http.post(`/chats/${chatId}/messages`, { token: a.token, json: { client_generated_id: `mq-${chatId}`, message_type: 'text', message: 'hi' } });
    expect(sent.status).to.equal(201);
    return { a, b, chatId, msgId: sent.body.id as string };
  }

  it('a reaction is answered through the message-actions queue; the api reads no events of the messages queue', async () => {
    const { b, chatId, msgId } = await storedMessage();
    const reacted = await api.http.post(`/chats/${chatId}/messages/${msgId}/reactions`, { token: b.token, json: { emoji: '👍' } });
    expect(reacted.status).to.equal(200);
    expect(reacted.body.reactions).to.deep.equal([{ emoji: '👍', count: 1, uids: [b.uid] }]);
    expect([...api.deps.actionEvents.keys()]).to.deep.equal(['message-actions']);
    const { queues } = api.deps;
    expect(await queues['message-actions'].getJobCounts('completed')).to.deep.include({ completed: 1 });
  });

  it('a reaction an earlier release left on the messages queue still runs', async () => {
    const { b, chatId, msgId } = await storedMessage();
    await api.deps.queues.messages.add(reactJob.name, { uid: b.uid, chat_id: chatId, msg_id: msgId, emoji: '🎉', action: 'add' }, { jobId: `legacy-react-${msgId}` });
    await waitFor(async () => (await api.deps.db('message_reactions').where({ message_id: msgId, uid: b.uid, emoji: '🎉' }).first()) !== undefined, 20_000);
  });
});
