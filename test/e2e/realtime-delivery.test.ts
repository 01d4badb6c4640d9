import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { CloseCode } from '../../shared/contracts/close-codes.ts';
import { befriend, createGroup } from '../support/social.ts';
import { startSystem, waitFor, type RunningSystem } from '../support/system.ts';
import { logIn, signUp, type TestUser } from '../support/users.ts';
import { connectWs, type Frame, type WsConnection } from '../support/ws-client.ts';

/**
 * HTTP send → worker → Redis → realtime nodes → sockets, with the real processes: one api, two
 * workers and two realtime nodes sharing the WebSocket port.
 */
describe('realtime delivery across processes', function () {
  this.timeout(60_000);
  let system: RunningSystem;
  const sockets: WsConnection[] = [];
  const newUser = () => signUp(system.http, { stem: 'rt' });
  const connect = async (user: TestUser, token = user.token) => {
    const ws = await connectWs(`${system.wsUrl}?uid=${user.uid}&token=${token}`);
    sockets.push(ws);
    return ws;
  };
  /** Several devices of one user, so that with two nodes sharing the port both are used. */
  const devices = async (user: TestUser, count: number) => {
    const list = [];
    for (let i = 0; i < count; i++) list.push(await connect(user, i === 0 ? user.token : await logIn(system.http, user.username, user.password, 'mobile')));
    await settle();
    return list;
  };
  const send = async (user: TestUser, chatId: string, message: string, extra: Record<string, unknown> = {}) => {
    const res = await system.http.post(`/chats/${chatId}/messages`, {
      token: user.token,
      json: { client_generated_id: `e2e-${randomBytes(6).toString('hex')}`, message_type: 'text', message, ...extra },
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body;
  };
  const isMessage = (id: string) => (f: Frame) => f.event === 'on_message' && f.data.id === id;
  // Subscriptions are made right after the upgrade; give them a moment before publishing.
  const settle = () => new Promise((resolve) => setTimeout(resolve, 150));
  const connectionsPerNode = async () =>
    Promise.all([0, 1].map(async (n) => ((await (await fetch(`${system.realtimeOpsUrl(n)}/healthz`)).json()) as { connections: number }).connections));

  before(async () => {
    system = await startSystem({ SUPERVISOR_WORKERS: '2', SUPERVISOR_REALTIME_NODES: '2', GROUP_SMALL_MAX_MEMBERS: '3', RECALL_WINDOW_SECONDS: '60' });
  });
  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.error(`system warnings and errors:\n${system.problems()}`);
    for (const ws of sockets.splice(0)) ws.close();
  });
  after(async () => {
    await system?.stop();
  });

  it('direct chat: every device of both people gets the message exactly once, across both nodes', async () => {
    const [a, b] = [await newUser(), await newUser()];
    const chatId = await befriend(system.http, a, b);
    const aDevices = await devices(a, 4);
    const bDevices = await devices(b, 4);
    const perNode = await connectionsPerNode();
    expect(perNode.every((n) => n > 0), `connections per node: ${perNode}`).to.equal(true);

    const message = await send(a, chatId, 'across nodes');
    for (const ws of [...aDevices, ...bDevices]) {
      const frame = await ws.waitFor(isMessage(message.id));
      expect(frame.data).to.include({ chat_id: chatId, seq: message.seq, message: 'across nodes', sender_uid: a.uid });
    }
    await settle();
    for (const ws of [...aDevices, ...bDevices]) expect(ws.events(isMessage(message.id))).to.have.length(1);
  });

  it('small group: members get it, a member who blocks the sender and outsiders do not', async () => {
    const [owner, member, blocker, outsider] = [await newUser(), await newUser(), await newUser(), await newUser()];
    const group = await createGroup(system.http, owner, [member]);
    await system.http.post(`/group/${group.id}/members`, { token: owner.token, json: { user_ids: [blocker.uid] } });
    await system.http.post('/friend/block', { token: blocker.token, json: { target_user_id: owner.uid } });
    const [ownerWs, memberWs, blockerWs, outsiderWs] = [await connect(owner), await connect(member), await connect(blocker), await connect(outsider)];
    await settle();
    const message = await send(owner, group.chat_id, 'small group');
    await memberWs.waitFor(isMessage(message.id));
    await ownerWs.waitFor(isMessage(message.id));
    await settle();
    expect(blockerWs.events(isMessage(message.id))).to.have.length(0);
    expect(outsiderWs.events(isMessage(message.id))).to.have.length(0);
  });

  it('large group: published once per chat and fanned out by each node to its members', async () => {
    const [owner, member, blocker, leaver] = [await newUser(), await newUser(), await newUser(), await newUser()];
    const group = await createGroup(system.http, owner, [], { category: 'large' });
    await system.http.post(`/group/${group.id}/members`, { token: owner.token, json: { user_ids: [member.uid, blocker.uid, leaver.uid] } });
    await system.http.post('/friend/block', { token: blocker.token, json: { target_user_id: owner.uid } });
    const memberDevices = await devices(member, 4);
    const [blockerWs, leaverWs] = [await connect(blocker), await connect(leaver)];
    await settle();

    const first = await send(owner, group.chat_id, 'large group');
    for (const ws of [...memberDevices, leaverWs]) await ws.waitFor(isMessage(first.id));
    await settle();
    expect(blockerWs.events(isMessage(first.id))).to.have.length(0);
    for (const ws of memberDevices) expect(ws.events(isMessage(first.id))).to.have.length(1);

    // Kicked: the leaver's socket stops receiving the group within a second.
    expect((await system.http.delete(`/group/${group.id}/members/${leaver.uid}`, { token: owner.token })).status).to.equal(204);
    await leaverWs.waitFor((f) => f.event === 'on_notify' && f.data.type === 'removed_from_group');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const second = await send(owner, group.chat_id, 'after the kick');
    await memberDevices[0]?.waitFor(isMessage(second.id));
    await settle();
    expect(leaverWs.events(isMessage(second.id))).to.have.length(0);
  });

  it('direct chat: a change by someone the other person blocks reaches the actor’s devices only', async () => {
    const [a, b] = [await newUser(), await newUser()];
    const chatId = await befriend(system.http, a, b);
    const [aWs, bWs] = [await connect(a), await connect(b)];
    await settle();
    const message = await send(a, chatId, 'before the block');
    await bWs.waitFor(isMessage(message.id));
    expect((await system.http.post('/friend/block', { token: b.token, json: { target_user_id: a.uid } })).status).to.equal(201);

    // The sender may still recall their message; the person who blocks them does not hear of it.
    expect((await system.http.post('/chats/message/recall', { token: a.token, json: { msg_id: message.id } })).status).to.equal(200);
    const recall = await aWs.waitFor((f) => f.event === 'on_recall' && f.data.msg_id === message.id);
    expect(recall.data).to.include({ chat_id: chatId });
    await settle();
    expect(bWs.events((f) => f.event === 'on_recall')).to.have.length(0);

    // Once unblocked, the same person's changes reach them again.
    expect((await system.http.delete(`/friend/block/${a.uid}`, { token: b.token })).status).to.equal(204);
    const second = await send(a, chatId, 'after the unblock');
    await bWs.waitFor(isMessage(second.id));
    await system.http.post('/chats/message/recall', { token: a.token, json: { msg_id: second.id } });
    await bWs.waitFor((f) => f.event === 'on_recall' && f.data.msg_id === second.id);
  });

  it('recall, reactions, read, typing and presence arrive as events', async () => {
    const [a, b] = [await newUser(), await newUser()];
    const chatId = await befriend(system.http, a, b);
    const bWs = await connect(b);
    await settle();
    const aWs = await connect(a);
    const online = await bWs.waitFor((f) => f.event === 'on_presence' && f.data.uid === a.uid);
    expect(online.data.status).to.equal('online');

    const message = await send(a, chatId, 'events');
    await bWs.waitFor(isMessage(message.id));
    await system.http.post(`/chats/${chatId}/messages/${message.id}/reactions`, { token: b.token, json: { emoji: '🎉' } });
    const reaction = await aWs.waitFor((f) => f.event === 'on_reaction');
    expect(reaction.data).to.deep.include({ chat_id: chatId, msg_id: message.id, seq: message.seq, uid: b.uid, emoji: '🎉', action: 'added' });

    await system.http.post(`/chats/${chatId}/read`, { token: b.token, json: { seq: message.seq } });
    const read = await aWs.waitFor((f) => f.event === 'on_read');
    expect(read.data).to.deep.equal({ chat_id: chatId, uid: b.uid, seq: message.seq });

    aWs.socket.send(JSON.stringify({ event: 'typing', data: { chat_id: chatId } }));
    const typing = await bWs.waitFor((f) => f.event === 'on_typing');
    expect(typing.data).to.deep.equal({ chat_id: chatId, uid: a.uid });

    await system.http.post('/chats/message/recall', { token: a.token, json: { msg_id: message.id } });
    const recall = await bWs.waitFor((f) => f.event === 'on_recall');
    expect(recall.data).to.deep.equal({ chat_id: chatId, msg_id: message.id, seq: message.seq, cursor: 2 });

    aWs.close();
    const offline = await bWs.waitFor((f) => f.event === 'on_presence' && f.data.uid === a.uid && f.data.status === 'offline');
    expect(offline.data.status).to.equal('offline');
  });

  it('typing is refused in chats the sender cannot write to, and bad frames get an error', async () => {
    const [a, b, c] = [await newUser(), await newUser(), await newUser()];
    const chatId = await befriend(system.http, a, b);
    const [cWs, bWs] = [await connect(c), await connect(b)];
    await settle();
    cWs.socket.send(JSON.stringify({ event: 'typing', data: { chat_id: chatId } }));
    expect((await cWs.waitFor((f) => f.event === 'error')).data.code).to.equal('not_allowed');
    cWs.socket.send(JSON.stringify({ event: 'shout', data: {} }));
    cWs.socket.send(JSON.stringify({ event: 'typing', data: { chat_id: 'DROP TABLE' } }));
    await cWs.waitFor((f) => f.event === 'error' && f.data.code === 'unsupported_frame');
    await settle();
    expect(bWs.events((f) => f.event === 'on_typing')).to.have.length(0);
  });

  it('social notifications are pushed as on_notify', async () => {
    const [a, b] = [await newUser(), await newUser()];
    const bWs = await connect(b);
    await settle();
    const applied = await system.http.post('/friend/apply', { token: a.token, json: { target_user_id: b.uid, apply_msg: 'hey' } });
    const note = await bWs.waitFor((f) => f.event === 'on_notify' && f.data.type === 'friend_request');
    expect(note.data).to.include({ request_id: applied.body.request_id, from_uid: a.uid, apply_msg: 'hey' });
    const group = await createGroup(system.http, a, [b]);
    expect((await bWs.waitFor((f) => f.event === 'on_notify' && f.data.type === 'added_to_group')).data.group_id).to.equal(group.id);
  });

  it('mentions send on_notify mention to the people mentioned', async () => {
    const [owner, member, other] = [await newUser(), await newUser(), await newUser()];
    const group = await createGroup(system.http, owner, [member, other]);
    const [memberWs, otherWs] = [await connect(member), await connect(other)];
    await settle();
    const message = await send(owner, group.chat_id, '@member look', { mentions: [member.uid] });
    const mention = await memberWs.waitFor((f) => f.event === 'on_notify' && f.data.type === 'mention');
    expect(mention.data).to.include({ chat_id: group.chat_id, msg_id: message.id, seq: message.seq, by_uid: owner.uid });
    await otherWs.waitFor(isMessage(message.id));
    expect(otherWs.events((f) => f.event === 'on_notify' && f.data.type === 'mention')).to.have.length(0);
  });

  it('after a reconnect, ?after= returns exactly the messages missed', async () => {
    const [a, b] = [await newUser(), await newUser()];
    const chatId = await befriend(system.http, a, b);
    const first = await connect(b);
    await settle();
    const seen = await send(a, chatId, 'seen live');
    await first.waitFor(isMessage(seen.id));
    first.close();
    await first.closed;
    const missed = [await send(a, chatId, 'missed 1'), await send(a, chatId, 'missed 2'), await send(a, chatId, 'missed 3')];
    const again = await connect(b);
    await settle();
    const live = await send(a, chatId, 'live again');
    await again.waitFor(isMessage(live.id));
    const gap = await system.http.get(`/chats/${chatId}/messages?after=${seen.seq}`, { token: b.token });
    expect(gap.body.messages.map((m: { id: string }) => m.id)).to.deep.equal([...missed.map((m) => m.id), live.id]);
  });

  it('a socket opened right after another closed is always set up (500 reconnects in a row)', async () => {
    const user = await newUser();
    for (let i = 0; i < 500; i++) {
      const ws = await connect(user);
      expect(ws.frames[0] ?? '', `reconnect ${i}: ${await Promise.race([ws.closed.then((c) => `closed ${c.code}`), Promise.resolve('open')])}`).to.match(/^\{"event":"on_ready"/);
      ws.close();
      await ws.closed;
    }
  });

  it('logging out or revoking a session closes its sockets with 4003 within a second', async () => {
    const user = await newUser();
    const phoneToken = await logIn(system.http, user.username, user.password, 'mobile');
    const [webWs, phoneWs] = [await connect(user), await connect(user, phoneToken)];
    await settle();
    const started = Date.now();
    await system.http.delete(`/users/sessions/${phoneToken.slice(76, 92)}`, { token: user.token });
    expect((await phoneWs.closed).code).to.equal(CloseCode.sessionRevoked);
    expect(Date.now() - started).to.be.below(1000);
    webWs.socket.send('ping');
    await webWs.waitFor(() => false, 300).catch(() => undefined);
    expect(webWs.frames.at(-1)).to.equal('pong');
    await system.http.post('/users/auth/logout_all', { token: user.token });
    expect((await webWs.closed).code).to.equal(CloseCode.sessionRevoked);
  });

  it('a node at its connection cap closes new sockets with 4009', async () => {
    const capped = await startSystem({ SUPERVISOR_WORKERS: '0', WS_MAX_CONNECTIONS: '2' });
    try {
      const user = await signUp(capped.http, { stem: 'cap' });
      const url = `${capped.wsUrl}?uid=${user.uid}&token=${user.token}`;
      const open = [await connectWs(url), await connectWs(url)];
      await waitFor(async () => ((await (await fetch(`${capped.realtimeOpsUrl(0)}/healthz`)).json()) as { connections: number }).connections === 2, 2000);
      const third = await connectWs(url);
      expect((await third.closed).code).to.equal(CloseCode.nodeFull);
      for (const ws of open) ws.close();
    } finally {
      await capped.stop();
    }
  });
});
