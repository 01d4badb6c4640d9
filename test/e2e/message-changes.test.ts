import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { WettyClient } from '../../client/src/index.ts';
import { befriend, createGroup } from '../support/social.ts';
import { startSystem, waitFor, type RunningSystem } from '../support/system.ts';
import { signUp, type TestUser } from '../support/users.ts';
import { connectWs, type Frame, type WsConnection } from '../support/ws-client.ts';

/**
 * Edits, pins and the change feed with the real processes (api, workers, realtime nodes): the live
 * frames carry their change cursors, and a client offline through an edit, a recall, a reaction and
 * a pin catches up on all four with one `changes` call that says exactly what the frames said.
 */
describe('edits, pins and the change feed across processes', function () {
  this.timeout(60_000);
  let system: RunningSystem;
  const sockets: WsConnection[] = [];
  const newUser = () => signUp(system.http, { stem: 'chg' });
  const connect = async (user: TestUser) => {
    const ws = await connectWs(`${system.wsUrl}?uid=${user.uid}&token=${user.token}`);
    sockets.push(ws);
    await new Promise((resolve) => setTimeout(resolve, 150));
    return ws;
  };
  const send = async (user: TestUser, chatId: string, message: string) => {
    const res = await system.http.post(`/chats/${chatId}/messages`, {
      token: user.token,
      json: { client_generated_id: `chg-${randomBytes(6).toString('hex')}`, message_type: 'text', message },
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body;
  };
  const CHANGE_EVENTS = new Set(['on_edit', 'on_recall', 'on_reaction', 'on_pin']);
  const changeFrames = (ws: WsConnection, chatId: string) => ws.events((f: Frame) => CHANGE_EVENTS.has(f.event) && f.data.chat_id === chatId);

  before(async () => {
    system = await startSystem({ SUPERVISOR_WORKERS: '2', SUPERVISOR_REALTIME_NODES: '2' });
  });
  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.error(`system warnings and errors:\n${system.problems()}`);
    for (const ws of sockets.splice(0)) ws.close();
  });
  after(async () => {
    await system?.stop();
  });

  it('on_edit and on_pin reach everyone in a group, each with its cursor; a member who may not edit is refused', async () => {
    const [owner, member, other] = [await newUser(), await newUser(), await newUser()];
    const group = await createGroup(system.http, owner, [member, other]);
    const [ownerWs, otherWs] = [await connect(owner), await connect(other)];
    const sent = await send(member, group.chat_id, 'typo');

    const edited = await system.http.patch(`/chats/${group.chat_id}/messages/${sent.id}`, { token: member.token, json: { message: 'fixed', format: 'markdown' } });
    expect(edited.status, JSON.stringify(edited.body)).to.equal(200);
    for (const ws of [ownerWs, otherWs]) {
      const frame = await ws.waitFor((f) => f.event === 'on_edit' && f.data.msg_id === sent.id);
      expect(frame.data).to.deep.equal({
        chat_id: group.chat_id, msg_id: sent.id, seq: sent.seq, message: 'fixed', format: 'markdown', edited_at: edited.body.edited_at, edit_count: 1, cursor: 1,
      });
    }
    expect((await system.http.patch(`/chats/${group.chat_id}/messages/${sent.id}`, { token: other.token, json: { message: 'mine now' } })).status).to.equal(403);

    const pinned = await system.http.post(`/chats/${group.chat_id}/pins`, { token: owner.token, json: { msg_id: sent.id } });
    expect(pinned.status).to.equal(200);
    const pin = await otherWs.waitFor((f) => f.event === 'on_pin');
    expect(pin.data).to.deep.equal({ chat_id: group.chat_id, msg_id: sent.id, pinned: true, by_uid: owner.uid, at: pinned.body.pinned_at, cursor: 2 });
    expect((await system.http.post(`/chats/${group.chat_id}/pins`, { token: other.token, json: { msg_id: sent.id } })).status).to.equal(403);
    const unpinned = await system.http.delete(`/chats/${group.chat_id}/pins/${sent.id}`, { token: owner.token });
    expect(unpinned.status).to.equal(200);
    expect((await ownerWs.waitFor((f) => f.event === 'on_pin' && f.data.pinned === false)).data).to.include({ cursor: 3, by_uid: owner.uid });
  });

  it('a client offline through an edit, a recall, a reaction and a pin catches up on all four with one changes call', async () => {
    const [a, b] = [await newUser(), await newUser()];
    const chatId = await befriend(system.http, a, b);
    const first = await send(a, chatId, 'first draft');
    const second = await send(a, chatId, 'regrettable');
    // b has seen both messages and the chat's change cursor, then goes offline.
    const known = (await system.http.get('/chats', { token: b.token })).body.chats.find((c: { chat_id: string }) => c.chat_id === chatId);
    expect(known).to.include({ last_seq: 2, change_cursor: 0 });
    const aWs = await connect(a);

    expect((await system.http.patch(`/chats/${chatId}/messages/${first.id}`, { token: a.token, json: { message: 'final draft' } })).status).to.equal(200);
    expect((await system.http.post('/chats/message/recall', { token: a.token, json: { msg_id: second.id } })).status).to.equal(200);
    expect((await system.http.post(`/chats/${chatId}/messages/${first.id}/reactions`, { token: a.token, json: { emoji: '👍' } })).status).to.equal(200);
    expect((await system.http.post(`/chats/${chatId}/pins`, { token: a.token, json: { msg_id: first.id } })).status).to.equal(200);
    await aWs.waitFor((f) => f.event === 'on_pin');

    // Back online: messages first (nothing new), then the changes since the cursor it knew.
    const gap = await system.http.get(`/chats/${chatId}/messages?after=${known.last_seq}`, { token: b.token });
    expect(gap.body.messages).to.deep.equal([]);
    const caughtUp = await system.http.get(`/chats/${chatId}/changes?since=${known.change_cursor}`, { token: b.token });
    expect(caughtUp.status).to.equal(200);
    expect(caughtUp.body.changes.map((c: { kind: string; cursor: number }) => [c.kind, c.cursor])).to.deep.equal([['edit', 1], ['recall', 2], ['reaction', 3], ['pin', 4]]);
    expect(caughtUp.body).to.include({ has_more: false, cursor: 4 });
    expect(caughtUp.body.changes[0].data).to.include({ msg_id: first.id, message: 'final draft', edit_count: 1 });
    expect(caughtUp.body.changes[1].data).to.deep.equal({ chat_id: chatId, msg_id: second.id, seq: second.seq, cursor: 2 });
    expect(caughtUp.body.changes[2].data).to.include({ msg_id: first.id, uid: a.uid, emoji: '👍', action: 'added' });
    expect(caughtUp.body.changes[3].data).to.include({ msg_id: first.id, pinned: true, by_uid: a.uid });
    // The feed says exactly what the live frames said.
    expect(caughtUp.body.changes.map((c: { data: unknown }) => c.data)).to.deep.equal(changeFrames(aWs, chatId).map((f) => f.data));
    // Nothing after the last cursor.
    expect((await system.http.get(`/chats/${chatId}/changes?since=4`, { token: b.token })).body.changes).to.deep.equal([]);
  });

  it('the SDK resumes the change feed on reconnect: each change once, after its message, in cursor order per message', async () => {
    const [a, b] = [await newUser(), await newUser()];
    const chatId = await befriend(system.http, a, b);
    const first = await send(a, chatId, 'draft');
    const client = new WettyClient({ baseUrl: system.http.baseUrl, wsUrl: system.wsUrl, clientType: 'mobile', backoff: { baseMs: 100, maxMs: 500 } });
    try {
      await client.login({ username: b.username, password: b.password });
      const seen: string[] = [];
      client.on('message', (m) => seen.push(`message ${m.seq}`));
      client.on('edit', (e) => seen.push(`edit ${e.cursor} ${e.message}`));
      client.on('recall', (e) => seen.push(`recall ${e.cursor}`));
      client.on('reaction', (e) => seen.push(`reaction ${e.cursor} ${e.emoji}`));
      client.on('pin', (e) => seen.push(`pin ${e.cursor} ${e.pinned}`));
      let ready = new Promise((resolve) => client.on('ready', resolve));
      client.connect();
      await ready;
      await client.chats.list();
      expect(client.changeCursor(chatId)).to.equal(0);

      // Live: an edit arrives as an event with its cursor.
      expect((await system.http.patch(`/chats/${chatId}/messages/${first.id}`, { token: a.token, json: { message: 'draft 2' } })).status).to.equal(200);
      // The SDK's own edit of someone else's message is refused with the server's code.
      expect(await client.chats.edit(chatId, first.id, { message: 'mine?' }).then(() => null, (err: { code: string }) => err.code)).to.equal('not_allowed');
      await waitFor(() => seen.includes('edit 1 draft 2'), 5000);

      // Offline through a new message, an edit of it, a recall, a reaction and a pin.
      client.disconnect();
      const second = await send(a, chatId, 'second');
      expect((await system.http.patch(`/chats/${chatId}/messages/${second.id}`, { token: a.token, json: { message: 'second, edited' } })).status).to.equal(200);
      expect((await system.http.post('/chats/message/recall', { token: a.token, json: { msg_id: first.id } })).status).to.equal(200);
      expect((await system.http.post(`/chats/${chatId}/messages/${second.id}/reactions`, { token: a.token, json: { emoji: '🎉' } })).status).to.equal(200);
      expect((await system.http.post(`/chats/${chatId}/pins`, { token: a.token, json: { msg_id: second.id } })).status).to.equal(200);

      ready = new Promise((resolve) => client.on('ready', resolve));
      client.connect();
      await ready;
      await waitFor(() => client.changeCursor(chatId) === 5 && seen.length >= 6, 10_000);
      await new Promise((resolve) => setTimeout(resolve, 300));
      // Each once; the changes about message 2 come after it, in cursor order.
      expect([...seen].sort()).to.deep.equal(['edit 1 draft 2', 'edit 2 second, edited', 'message 2', 'pin 5 true', 'reaction 4 🎉', 'recall 3']);
      const at = (entry: string) => seen.indexOf(entry);
      expect(at('message 2')).to.be.below(at('edit 2 second, edited'));
      expect(at('edit 2 second, edited')).to.be.below(at('reaction 4 🎉'));
      const pins = await client.chats.pins(chatId);
      expect(pins.pins.map((p) => p.msg_id)).to.deep.equal([second.id]);
      expect((await client.chats.edits(chatId, second.id)).edits.map((e) => e.message)).to.deep.equal(['second']);
    } finally {
      client.close();
    }
  });
});
