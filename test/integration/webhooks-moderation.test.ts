import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { startTestApi, type TestApi } from '../support/api-server.ts';
import { befriend } from '../support/social.ts';
import { signUp, type TestUser } from '../support/users.ts';
import { signatureIsValid, startReceiver, type Answer, type ReceivedRequest, type Receiver } from '../support/webhook-receiver.ts';
import { startTestWorkers } from '../support/workers.ts';

const cgid = () => `c${randomBytes(6).toString('hex')}`;

/** The hook's verdicts, chosen by how the message starts. */
function verdictFor(request: ReceivedRequest): Answer {
  const text = String(request.json.data.message ?? '');
  if (text.startsWith('deny')) return { status: 200, json: { action: 'deny', code: 'spam_detected', message: 'Looks like spam' } };
  if (text.startsWith('replace')) return { status: 200, json: { action: 'replace', message: '[redacted by moderation]' } };
  if (text.startsWith('slow')) return { status: 200, json: { action: 'allow' }, delayMs: 1500 };
  if (text.startsWith('garbage')) return { status: 200, json: { verdict: 'sure' } };
  if (text.startsWith('broken')) return { status: 500 };
  if (text.startsWith('bad-replacement')) return { status: 200, json: { action: 'replace', message: 'has a \u0000 NUL' } };
  return { status: 200, json: { action: 'allow' } };
}

async function startModeratedSystem(fail: 'open' | 'closed', hook: Receiver, secret: string) {
  const api = await startTestApi({ MODERATION_WEBHOOK_URL: hook.url, MODERATION_WEBHOOK_SECRET: secret, MODERATION_TIMEOUT_MS: '400', MODERATION_FAIL: fail });
  const workers = await startTestWorkers(api.deps.config);
  const [a, b] = await Promise.all([signUp(api.http), signUp(api.http)]);
  const chatId = await befriend(api.http, a, b);
  const send = (text: string, fields: Record<string, unknown> = {}, from: TestUser = a) =>
    api.http.post(`/chats/${chatId}/messages`, { token: from.token, json: { message: text, message_type: 'text', client_generated_id: cgid(), ...fields } });
  const stored = async () => (await api.deps.db('messages').where({ chat_id: chatId }).orderBy('seq')).map((m: { message: string }) => m.message);
  return { api, workers, a, b, chatId, send, stored, close: async () => { await workers.close(); await api.close(); } };
}

describe('the before-send moderation hook', function () {
  this.timeout(60_000);
  let hook: Receiver;
  const secret = `moderation-${randomBytes(10).toString('hex')}`;
  before(async () => {
    hook = await startReceiver(verdictFor);
  });
  after(async () => hook?.close());

  describe('failing open (MODERATION_FAIL=open)', () => {
    let system: Awaited<ReturnType<typeof startModeratedSystem>>;
    before(async () => {
      system = await startModeratedSystem('open', hook, secret);
    });
    after(async () => system?.close());

    it('is asked about each message with a signed request, and an allowed message is stored as sent', async () => {
      const before = hook.received.length;
      const sent = await system.send('hello, moderator');
      expect(sent.status).to.equal(201);
      expect(sent.body.message).to.equal('hello, moderator');
      const asked = hook.received.slice(before);
      expect(asked).to.have.length(1);
      const request = asked[0] as ReceivedRequest;
      expect(signatureIsValid(secret, request)).to.equal(true);
      expect(signatureIsValid('not the secret at all', request)).to.equal(false);
      expect(request.headers['x-wetty-event']).to.equal('message.before_send');
      expect(request.json.type).to.equal('message.before_send');
      expect(request.json.data).to.include({ sender_uid: system.a.uid, chat_id: system.chatId, message: 'hello, moderator', message_type: 'text', format: 'plain' });
    });

    it('a denial reaches the sender as 403 message_denied with the hook\'s code, and nothing is stored', async () => {
      const denied = await system.send('deny this one');
      expect(denied.status).to.equal(403);
      expect(denied.body.error).to.deep.include({ code: 'message_denied', message: 'Looks like spam', details: { reason: 'spam_detected' } });
      expect(await system.stored()).to.not.include('deny this one');
    });

    it('is asked about an edit\'s new text: a denial answers the PATCH 403 and keeps the old text, a replacement is what the edit stores', async () => {
      const sent = await system.send('a fine first text');
      expect(sent.status).to.equal(201);
      const edit = (text: string) => system.api.http.patch(`/chats/${system.chatId}/messages/${sent.body.id}`, { token: system.a.token, json: { message: text } });
      const before = hook.received.length;
      const denied = await edit('deny this edit');
      expect(denied.status, JSON.stringify(denied.body)).to.equal(403);
      expect(denied.body.error).to.deep.include({ code: 'message_denied', details: { reason: 'spam_detected' } });
      const asked = hook.received.slice(before)[0] as ReceivedRequest;
      expect(asked.json.data).to.include({ edit_of: sent.body.id, client_generated_id: null, message: 'deny this edit', sender_uid: system.a.uid });
      expect(await system.stored()).to.include('a fine first text');
      const replaced = await edit('replace my edit');
      expect(replaced.status, JSON.stringify(replaced.body)).to.equal(200);
      expect(replaced.body).to.include({ message: '[redacted by moderation]', edit_count: 1 });
      expect(await system.stored()).to.include('[redacted by moderation]');
    });

    it('a replacement is stored instead of the text sent', async () => {
      const id = cgid();
      const replaced = await system.send('replace these words', { client_generated_id: id });
      expect(replaced.status).to.equal(201);
      expect(replaced.body.message).to.equal('[redacted by moderation]');
      // Sending it again (a client retry) answers the same stored message.
      const again = await system.send('replace these words', { client_generated_id: id });
      expect(again.status).to.equal(201);
      expect(again.body.id).to.equal(replaced.body.id);
      expect(await system.stored()).to.include('[redacted by moderation]').and.not.include('replace these words');
    });

    it('stores the message as sent when the hook times out, fails or answers nonsense', async () => {
      for (const text of ['slow: answers after the timeout', 'garbage answer', 'broken hook', 'bad-replacement']) {
        const sent = await system.send(text);
        expect(sent.status, text).to.equal(201);
        expect(sent.body.message).to.equal(text);
      }
    });

    it('a slow answer about one message does not hold back the others sent with it', async () => {
      const finished: string[] = [];
      const track = (text: string) => system.send(text).then((res) => {
        finished.push(text);
        return res;
      });
      const answers = await Promise.all([track('slow: held by the hook'), track('quick one'), track('another quick one')]);
      expect(answers.map((r) => r.status)).to.deep.equal([201, 201, 201]);
      expect(finished.at(-1)).to.equal('slow: held by the hook');
    });

    it('does not ask about emotes or forwards', async () => {
      const original = await system.send('forward me');
      const before = hook.received.length;
      expect((await system.send('wave', { message_type: 'emote' })).status).to.equal(201);
      const forwarded = await system.api.http.post(`/chats/${system.chatId}/messages`, { token: system.b.token, json: { client_generated_id: cgid(), forward_from_id: original.body.id } });
      expect(forwarded.status).to.equal(201);
      expect(hook.received.length).to.equal(before);
    });
  });

  describe('failing closed (MODERATION_FAIL=closed)', () => {
    let system: Awaited<ReturnType<typeof startModeratedSystem>>;
    before(async () => {
      system = await startModeratedSystem('closed', hook, secret);
    });
    after(async () => system?.close());

    it('refuses with 403 moderation_unavailable when the hook times out, fails or answers nonsense', async () => {
      for (const text of ['slow: answers after the timeout', 'garbage answer', 'broken hook', 'bad-replacement']) {
        const sent = await system.send(text);
        expect(sent.status, text).to.equal(403);
        expect(sent.body.error.code).to.equal('moderation_unavailable');
      }
      expect(await system.stored()).to.deep.equal([]);
    });

    it('still stores allowed messages and answers denials with the hook\'s code', async () => {
      expect((await system.send('fine message')).status).to.equal(201);
      const denied = await system.send('deny again');
      expect(denied.status).to.equal(403);
      expect(denied.body.error.details).to.deep.equal({ reason: 'spam_detected' });
    });
  });
});
