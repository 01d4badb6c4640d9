import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { befriend } from '../support/social.ts';
import { startSystem, waitFor, type RunningSystem } from '../support/system.ts';
import { signUp } from '../support/users.ts';
import { signatureIsValid, startReceiver, type Receiver } from '../support/webhook-receiver.ts';

const MARKER = 'crash-here-after-commit';

/**
 * The real processes, a worker SIGKILLed right after committing a message and before anything
 * follows the commit: the message's webhook event was recorded with it, so it is still delivered
 * (by the restarted worker's relay), and the chat's next message, stored and enqueued before the
 * relay gets to it, is not delivered before it.
 */
describe('webhooks across a worker killed after commit (real processes)', function () {
  this.timeout(120_000);
  let system: RunningSystem;
  let receiver: Receiver;
  const secret = `e2e-secret-${randomBytes(8).toString('hex')}`;

  before(async () => {
    receiver = await startReceiver();
    system = await startSystem({
      SUPERVISOR_WORKERS: '1',
      FAULT_CRASH_AFTER_COMMIT: MARKER,
      API_JOB_WAIT_MS: '1500',
      // Long enough that the next message is stored and enqueued well before the relay takes the crashed row.
      OUTBOX_RELAY_AFTER_MS: '8000',
      OUTBOX_RELAY_INTERVAL_MS: '200',
      WEBHOOK_ALLOW_PRIVATE: 'true',
      WEBHOOKS: JSON.stringify([{ url: receiver.url, events: ['message.created'], secret }]),
    });
  });
  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.error(`system warnings and errors:\n${system.problems()}`);
  });
  after(async () => {
    await system?.stop();
    await receiver?.close();
  });

  it('delivers the event of a message committed just before the crash, signed, and keeps the chat in order', async () => {
    const [a, b] = [await signUp(system.http, { stem: 'whcrash' }), await signUp(system.http, { stem: 'whcrash' })];
    const chatId = await befriend(system.http, a, b);
    const send = (text: string) =>
      system.http.post(`/chats/${chatId}/messages`, { token: a.token, json: { client_generated_id: `c-${randomBytes(6).toString('hex')}`, message_type: 'text', message: text } });

    expect((await send('before the crash')).status).to.equal(201);
    const crashed = await send(`${MARKER} ${randomBytes(4).toString('hex')}`);
    expect(crashed.status, JSON.stringify(crashed.body)).to.equal(202);
    // Sent while the worker restarts: stored and enqueued by the new worker long before the relay takes the crashed row.
    const after = await send('after the crash');
    expect([201, 202]).to.include(after.status);

    const ofChat = () => receiver.received.filter((r) => r.json.type === 'message.created' && r.json.data.message.chat_id === chatId);
    await waitFor(() => new Set(ofChat().map((r) => r.json.id)).size >= 3, 60_000, 100);
    const texts = ofChat().map((r) => r.json.data.message.message as string);
    expect(texts[0]).to.equal('before the crash');
    expect(texts[1]).to.match(new RegExp(`^${MARKER}`));
    expect(texts.at(-1)).to.equal('after the crash');
    expect(ofChat().map((r) => r.json.data.message.seq as number)).to.deep.equal([...ofChat().map((r) => r.json.data.message.seq as number)].sort((x, y) => x - y));
    for (const request of ofChat()) expect(signatureIsValid(secret, request)).to.equal(true);
    expect(system.output()).to.include('restarting');
  });
});
