import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { startTestApi, type TestApi } from '../support/api-server.ts';
import { befriend, createGroup } from '../support/social.ts';
import { signUp, type TestUser } from '../support/users.ts';
import { startTestWorkers } from '../support/workers.ts';

describe('message edits, pins and the change feed (api and workers against PostgreSQL and Redis)', function () {
  this.timeout(60_000);
  let api: TestApi;
  let workers: Awaited<ReturnType<typeof startTestWorkers>>;
  const newUser = () => signUp(api.http, { stem: 'edp' });
  const cgid = () => `c-${randomBytes(6).toString('hex')}`;
  const send = async (user: TestUser, chatId: string, body: Record<string, unknown>) => {
    const res = await api.http.post(`/chats/${chatId}/messages`, { token: user.token, json: { client_generated_id: cgid(), message_type: 'text', ...body } });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body;
  };
  const edit = (user: TestUser, chatId: string, msgId: string, body: Record<string, unknown>) =>
    api.http.patch(`/chats/${chatId}/messages/${msgId}`, { token: user.token, json: body });
  const changes = (user: TestUser, chatId: string, since: number, max?: number) =>
    api.http.get(`/chats/${chatId}/changes?since=${since}${max ? `&max=${max}` : ''}`, { token: user.token });

  before(async () => {
    api = await startTestApi({ EDIT_WINDOW_SECONDS: '2' });
    workers = await startTestWorkers(api.deps.config);
  });
  after(async () => {
    await workers.close();
    await api.close();
  });

  describe('editing', () => {
    it('the sender edits text: the message carries edited_at and edit_count, earlier versions are listed newest first', async () => {
      const [a, b] = [await newUser(), await newUser()];
      const chatId = await befriend(api.http, a, b);
      const sent = await send(a, chatId, { message: 'frist' });
      expect(sent).to.include({ edited_at: null, edit_count: 0 });
      const first = await edit(a, chatId, sent.id, { message: 'first' });
      expect(first.status, JSON.stringify(first.body)).to.equal(200);
      expect(first.body).to.include({ id: sent.id, seq: sent.seq, message: 'first', format: 'plain', edit_count: 1 });
      expect(first.body.edited_at).to.be.a('string');
      const second = await edit(a, chatId, sent.id, { message: '**first**', format: 'markdown' });
      expect(second.body).to.include({ message: '**first**', format: 'markdown', edit_count: 2 });
      // The same text again is no new version.
      expect((await edit(a, chatId, sent.id, { message: '**first**', format: 'markdown' })).body.edit_count).to.equal(2);

      const history = await api.http.get(`/chats/${chatId}/messages/${sent.id}/edits`, { token: b.token });
      expect(history.status).to.equal(200);
      expect(history.body.edits.map((e: { version: number; message: string }) => [e.version, e.message])).to.deep.equal([[1, 'first'], [0, 'frist']]);
      const [listed] = (await api.http.get(`/chats/${chatId}/messages`, { token: b.token })).body.messages;
      expect(listed).to.include({ message: '**first**', edit_count: 2, edited_at: second.body.edited_at });
      const chat = (await api.http.get('/chats', { token: b.token })).body.chats.find((c: { chat_id: string }) => c.chat_id === chatId);
      expect(chat.last_message).to.include({ message: '**first**', edit_count: 2 });
      expect(chat.change_cursor).to.equal(2);
    });

    it('refuses other people\'s messages, recalled ones, images, bad emotes and markdown, strangers, and after the window', async () => {
      const [a, b, c] = [await newUser(), await newUser(), await newUser()];
      const chatId = await befriend(api.http, a, b);
      const sent = await send(a, chatId, { message: 'mine' });
      const code = async (res: Promise<{ status: number; body: any }>) => {
        const r = await res;
        return [r.status, r.body.error?.code];
      };
      expect(await code(edit(b, chatId, sent.id, { message: 'yours?' }))).to.deep.equal([403, 'not_allowed']);
      expect(await code(edit(c, chatId, sent.id, { message: 'stranger' }))).to.deep.equal([404, 'not_found']);
      expect(await code(edit(a, chatId, '999999999', { message: 'nothing' }))).to.deep.equal([404, 'not_found']);
      for (const body of [{ message: '' }, { message: '  ' }, { message: 'x'.repeat(4001) }, { message: 'ok', format: 'html' }, { message: 'ok', extra: 1 }, {}]) {
        expect((await edit(a, chatId, sent.id, body)).status, JSON.stringify(body)).to.equal(400);
      }
      expect(await code(edit(a, chatId, sent.id, { message: '<b>x</b>', format: 'markdown' }))).to.deep.equal([400, 'invalid_markdown']);

      const emote = await send(a, chatId, { message_type: 'emote', message: ':wave:' });
      expect((await edit(a, chatId, emote.id, { message: ':smile:' })).body).to.include({ message: ':smile:', edit_count: 1 });
      expect(await code(edit(a, chatId, emote.id, { message: 'two\nlines' }))).to.deep.equal([400, 'invalid_message']);
      expect(await code(edit(a, chatId, emote.id, { message: ':x:', format: 'markdown' }))).to.deep.equal([400, 'invalid_format']);

      const reminder = await send(a, chatId, { message_type: 'reminder', message: 'later', remind_at: new Date(Date.now() + 3600_000).toISOString() });
      expect(await code(edit(a, chatId, reminder.id, { message: 'sooner' }))).to.deep.equal([400, 'not_editable']);

      const gone = await send(a, chatId, { message: 'take back' });
      expect((await api.http.post('/chats/message/recall', { token: a.token, json: { msg_id: gone.id } })).status).to.equal(200);
      expect(await code(edit(a, chatId, gone.id, { message: 'too late' }))).to.deep.equal([409, 'message_recalled']);

      await new Promise((resolve) => setTimeout(resolve, 2200));
      expect(await code(edit(a, chatId, sent.id, { message: 'late' }))).to.deep.equal([403, 'edit_window_passed']);
    });

    it('goes through the gate like a send: a blocked peer and a muted member cannot edit', async () => {
      const [a, b] = [await newUser(), await newUser()];
      const chatId = await befriend(api.http, a, b);
      const sent = await send(a, chatId, { message: 'before the block' });
      await api.http.post('/friend/block', { token: b.token, json: { target_user_id: a.uid } });
      const blocked = await edit(a, chatId, sent.id, { message: 'after the block' });
      expect([blocked.status, blocked.body.error?.code]).to.deep.equal([403, 'blocked']);

      const [owner, member] = [await newUser(), await newUser()];
      const group = await createGroup(api.http, owner, [member]);
      const said = await send(member, group.chat_id, { message: 'before the mute' });
      await api.http.post(`/group/${group.id}/mute`, { token: owner.token, json: { target_user_id: member.uid, mute_status: true, duration_seconds: 600 } });
      const muted = await edit(member, group.chat_id, said.id, { message: 'after the mute' });
      expect([muted.status, muted.body.error?.code]).to.deep.equal([403, 'muted']);
    });

    it('recalling erases the earlier versions too', async () => {
      const [a, b] = [await newUser(), await newUser()];
      const chatId = await befriend(api.http, a, b);
      const sent = await send(a, chatId, { message: 'secret v1' });
      await edit(a, chatId, sent.id, { message: 'secret v2' });
      await api.http.post('/chats/message/recall', { token: a.token, json: { msg_id: sent.id } });
      expect((await api.http.get(`/chats/${chatId}/messages/${sent.id}/edits`, { token: a.token })).status).to.equal(404);
      expect(await api.deps.db('message_edits').where({ message_id: sent.id })).to.have.length(0);
      const feed = (await changes(b, chatId, 0)).body.changes;
      expect(feed.map((c: { kind: string }) => c.kind)).to.deep.equal(['edit', 'recall']);
      expect(feed[0].data.message).to.equal('');
    });
  });

  describe('pins', () => {
    it('pins and unpins, lists newest first with the messages; a recall unpins', async () => {
      const [a, b] = [await newUser(), await newUser()];
      const chatId = await befriend(api.http, a, b);
      const one = await send(a, chatId, { message: 'one' });
      const two = await send(b, chatId, { message: 'two' });
      const pinned = await api.http.post(`/chats/${chatId}/pins`, { token: b.token, json: { msg_id: one.id } });
      expect(pinned.status, JSON.stringify(pinned.body)).to.equal(200);
      expect(pinned.body).to.include({ chat_id: chatId, msg_id: one.id, by_uid: b.uid });
      expect(pinned.body.message).to.include({ id: one.id, message: 'one' });
      // Pinning again answers the same pin.
      expect((await api.http.post(`/chats/${chatId}/pins`, { token: a.token, json: { msg_id: one.id } })).body.by_uid).to.equal(b.uid);
      await api.http.post(`/chats/${chatId}/pins`, { token: a.token, json: { msg_id: two.id } });
      const listed = await api.http.get(`/chats/${chatId}/pins`, { token: a.token });
      expect(listed.body.pins.map((p: { msg_id: string }) => p.msg_id)).to.deep.equal([two.id, one.id]);

      const unpinned = await api.http.delete(`/chats/${chatId}/pins/${two.id}`, { token: a.token });
      expect(unpinned.body).to.deep.equal({ chat_id: chatId, msg_id: two.id, pinned: false });
      expect((await api.http.delete(`/chats/${chatId}/pins/${two.id}`, { token: a.token })).status).to.equal(404);

      await api.http.post('/chats/message/recall', { token: a.token, json: { msg_id: one.id } });
      expect((await api.http.get(`/chats/${chatId}/pins`, { token: a.token })).body.pins).to.deep.equal([]);
      const feed = (await changes(a, chatId, 0)).body.changes;
      expect(feed.map((c: { kind: string; data: { pinned?: boolean } }) => `${c.kind}${c.data.pinned === undefined ? '' : `:${c.data.pinned}`}`))
        .to.deep.equal(['pin:true', 'pin:true', 'pin:false', 'recall', 'pin:false']);
      expect((await api.http.post(`/chats/${chatId}/pins`, { token: a.token, json: { msg_id: one.id } })).status).to.equal(404);
    });

    it('refuses malformed pin requests, and a message of another chat even when the caller is in both', async () => {
      const [a, b, c] = [await newUser(), await newUser(), await newUser()];
      const chatId = await befriend(api.http, a, b);
      const otherChat = await befriend(api.http, a, c);
      const here = await send(a, chatId, { message: 'here' });
      const elsewhere = await send(a, otherChat, { message: 'elsewhere' });
      const pin = (body: unknown) => api.http.post(`/chats/${chatId}/pins`, { token: a.token, json: body });
      for (const body of [{}, { msg_id: 'abc' }, { msg_id: here.id, extra: true }, { msg_id: Number(here.id) }, { msg_id: '9223372036854775808' }, []]) {
        const res = await pin(body);
        expect([res.status, res.body.error?.code], JSON.stringify(body)).to.deep.equal([400, 'invalid_input']);
      }
      // A message the caller can see, but of another chat: not a message of this chat.
      expect((await pin({ msg_id: elsewhere.id })).status).to.equal(404);
      expect((await api.http.delete(`/chats/${chatId}/pins/${elsewhere.id}`, { token: a.token })).status).to.equal(404);
      expect((await api.http.delete(`/chats/${chatId}/pins/abc`, { token: a.token })).status).to.equal(400);
      // And an edit through the wrong chat's path finds nothing either.
      expect((await edit(a, chatId, elsewhere.id, { message: 'moved?' })).status).to.equal(404);
      expect((await api.http.get(`/chats/${chatId}/pins`, { token: a.token })).body.pins).to.deep.equal([]);
    });

    it('at most 50 pins per chat, then 409 too_many_pins', async () => {
      const [a, b] = [await newUser(), await newUser()];
      const chatId = await befriend(api.http, a, b);
      const ids: string[] = [];
      for (let i = 0; i < 51; i++) ids.push((await send(a, chatId, { message: `m${i}` })).id);
      const results = await Promise.all(ids.slice(0, 50).map((msg_id) => api.http.post(`/chats/${chatId}/pins`, { token: a.token, json: { msg_id } })));
      expect(results.every((r) => r.status === 200), JSON.stringify(results.find((r) => r.status !== 200)?.body)).to.equal(true);
      const over = await api.http.post(`/chats/${chatId}/pins`, { token: a.token, json: { msg_id: ids[50] } });
      expect([over.status, over.body.error?.code]).to.deep.equal([409, 'too_many_pins']);
    });

    it('groups: owner and managers pin; members only when members_can_pin is on', async () => {
      const [owner, member] = [await newUser(), await newUser()];
      const group = await createGroup(api.http, owner, [member]);
      const sent = await send(member, group.chat_id, { message: 'pin me' });
      const refused = await api.http.post(`/chats/${group.chat_id}/pins`, { token: member.token, json: { msg_id: sent.id } });
      expect([refused.status, refused.body.error?.code]).to.deep.equal([403, 'not_allowed']);
      const setting = await api.http.put(`/group/${group.id}/profile`, { token: owner.token, json: { members_can_pin: true } });
      expect(setting.body.members_can_pin).to.equal(true);
      expect((await api.http.post(`/chats/${group.chat_id}/pins`, { token: member.token, json: { msg_id: sent.id } })).status).to.equal(200);
    });
  });

  describe('the change feed', () => {
    it('numbers each chat\'s changes 1, 2, 3… with no gaps under concurrent changes, and pages with max and has_more', async () => {
      const [owner, ...members] = await Promise.all(Array.from({ length: 5 }, () => newUser()));
      const group = await createGroup(api.http, owner as TestUser, members);
      const sent = await send(owner as TestUser, group.chat_id, { message: 'react' });
      const emojis = ['👍', '🎉', '😀', '🔥'];
      const results = await Promise.all(
        [owner as TestUser, ...members].flatMap((user) => emojis.map((emoji) => api.http.post(`/chats/${group.chat_id}/messages/${sent.id}/reactions`, { token: user.token, json: { emoji } }))),
      );
      expect(results.every((r) => r.status === 200)).to.equal(true);
      const all = await changes(owner as TestUser, group.chat_id, 0, 200);
      expect(all.body.changes.map((c: { cursor: number }) => c.cursor)).to.deep.equal(Array.from({ length: 20 }, (_, i) => i + 1));
      expect(all.body).to.include({ has_more: false, cursor: 20 });
      // The last entry's tally holds every reaction: changes were recorded in commit order.
      expect(all.body.changes[19].data.reactions.reduce((n: number, r: { count: number }) => n + r.count, 0)).to.equal(20);

      const page = await changes(owner as TestUser, group.chat_id, 5, 10);
      expect(page.body.changes.map((c: { cursor: number }) => c.cursor)).to.deep.equal([6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
      expect(page.body).to.include({ has_more: true, cursor: 15 });
      expect((await changes(owner as TestUser, group.chat_id, 20)).body).to.deep.equal({ changes: [], has_more: false, cursor: 20 });
      for (const query of ['', '?since=-1', '?since=x', '?since=1.5', '?since=9007199254740993', '?since=0&max=0', '?since=0&max=201', '?since=0&max=abc', '?since=0&since=1']) {
        expect((await api.http.get(`/chats/${group.chat_id}/changes${query}`, { token: (owner as TestUser).token })).status, query).to.equal(400);
      }
    });

    it('is for members only, and leaves out changes by people the reader blocks', async () => {
      const [owner, annoying, reader, outsider] = [await newUser(), await newUser(), await newUser(), await newUser()];
      const group = await createGroup(api.http, owner, [annoying, reader]);
      const sent = await send(owner, group.chat_id, { message: 'hello' });
      await api.http.post('/friend/block', { token: reader.token, json: { target_user_id: annoying.uid } });
      await api.http.post(`/chats/${group.chat_id}/messages/${sent.id}/reactions`, { token: annoying.token, json: { emoji: '💩' } });
      await api.http.post(`/chats/${group.chat_id}/messages/${sent.id}/reactions`, { token: owner.token, json: { emoji: '👍' } });
      const seen = await changes(reader, group.chat_id, 0);
      expect(seen.body.changes.map((c: { data: { uid: string } }) => c.data.uid)).to.deep.equal([owner.uid]);
      expect(seen.body.cursor).to.equal(2);
      expect((await changes(outsider, group.chat_id, 0)).status).to.equal(404);
      await api.http.delete(`/group/${group.id}/members/${reader.uid}`, { token: reader.token });
      expect((await changes(reader, group.chat_id, 0)).status).to.equal(404);
      expect((await api.http.get(`/chats/${group.chat_id}/pins`, { token: reader.token })).status).to.equal(404);
    });
  });
});
