import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { storeMessages } from '../../shared/db/repositories/messages.repository.ts';
import { ORDER_WINDOW_MS } from '../../shared/effects/outbox.ts';
import { Effects } from '../../shared/contracts/effects.ts';
import { startTestApi, type TestApi } from '../support/api-server.ts';
import { befriend, createGroup } from '../support/social.ts';
import { waitFor } from '../support/system.ts';
import { signUp, type TestUser } from '../support/users.ts';
import { startTestWorkers } from '../support/workers.ts';

describe('messages over HTTP (api and workers against PostgreSQL and Redis)', function () {
  this.timeout(30_000);
  let api: TestApi;
  let workers: Awaited<ReturnType<typeof startTestWorkers>>;
  const newUser = () => signUp(api.http, { stem: 'msg' });
  const cgid = () => `c-${randomBytes(6).toString('hex')}`;
  const send = (user: TestUser, chatId: string, body: Record<string, unknown>) =>
    api.http.post(`/chats/${chatId}/messages`, { token: user.token, json: { client_generated_id: cgid(), message_type: 'text', ...body } });

  before(async () => {
    api = await startTestApi({ RECALL_WINDOW_SECONDS: '2' });
    workers = await startTestWorkers(api.deps.config);
  });
  after(async () => {
    await workers.close();
    await api.close();
  });

  describe('sending', () => {
    it('stores a text message with the next seq and answers 201 with the message object', async () => {
      const [a, b] = [await newUser(), await newUser()];
      const chatId = await befriend(api.http, a, b);
      const first = await send(a, chatId, { message: 'hello' });
      expect(first.status, JSON.stringify(first.body)).to.equal(201);
      expect(first.body).to.include({ chat_id: chatId, seq: 1, sender_uid: a.uid, message: 'hello', message_type: 'text', format: 'plain', recalled: false });
      expect(first.body).to.have.all.keys('id', 'chat_id', 'seq', 'sender_uid', 'message', 'message_type', 'format', 'client_generated_id', 'reply_to_id', 'reply_root_id', 'forwarded_from', 'mentions', 'reactions', 'file', 'remind_at', 'recalled', 'created_at', 'edited_at', 'edit_count');
      const second = await send(b, chatId, { message: 'hi back', reply_to_id: first.body.id, reply_root_id: first.body.id });
      expect(second.body).to.include({ seq: 2, reply_to_id: first.body.id, reply_root_id: first.body.id });
    });

    it('numbers a chat\'s messages 1, 2, 3… with no gaps and no repeats under concurrent senders', async () => {
      const [owner, m1, m2] = [await newUser(), await newUser(), await newUser()];
      const group = await createGroup(api.http, owner, [m1, m2]);
      const results = await Promise.all(Array.from({ length: 60 }, (_, i) => send([owner, m1, m2][i % 3] as TestUser, group.chat_id, { message: `n${i}` })));
      expect(results.every((r) => r.status === 201), JSON.stringify(results.find((r) => r.status !== 201)?.body)).to.equal(true);
      const seqs = results.map((r) => r.body.seq).sort((x, y) => x - y);
      expect(seqs).to.deep.equal(Array.from({ length: 60 }, (_, i) => i + 1));
    });

    it('a retry with the same client_generated_id answers the same message; different content is 409', async () => {
      const [a, b] = [await newUser(), await newUser()];
      const chatId = await befriend(api.http, a, b);
      const id = cgid();
      const first = await send(a, chatId, { client_generated_id: id, message: 'once' });
      const again = await send(a, chatId, { client_generated_id: id, message: 'once' });
      expect(again.status).to.equal(201);
      expect(again.body.id).to.equal(first.body.id);
      const changed = await send(a, chatId, { client_generated_id: id, message: 'twice?' });
      expect(changed.status).to.equal(409);
      expect(changed.body.error.code).to.equal('client_generated_id_reused');
      expect(await api.deps.db('messages').where({ chat_id: chatId })).to.have.length(1);
    });

    it('20 parallel sends with one client_generated_id make exactly one row', async () => {
      const [a, b] = [await newUser(), await newUser()];
      const chatId = await befriend(api.http, a, b);
      const id = cgid();
      const results = await Promise.all(Array.from({ length: 20 }, () => send(a, chatId, { client_generated_id: id, message: 'same' })));
      expect(results.map((r) => r.status)).to.deep.equal(Array(20).fill(201));
      expect(new Set(results.map((r) => r.body.id)).size).to.equal(1);
      expect(await api.deps.db('messages').where({ sender_uid: a.uid, client_generated_id: id })).to.have.length(1);
      expect((await api.deps.db('chats').where({ id: chatId }).first()).last_seq).to.equal('1');
    });

    it('a client_generated_id is unique per sender across chats: the same one in another chat is 409', async () => {
      const [a, b] = [await newUser(), await newUser()];
      const direct = await befriend(api.http, a, b);
      const group = await createGroup(api.http, a, [b]);
      const id = cgid();
      expect((await send(a, group.chat_id, { client_generated_id: id, message: 'same words' })).status).to.equal(201);
      const elsewhere = await send(a, direct, { client_generated_id: id, message: 'same words' });
      expect(elsewhere.status, JSON.stringify(elsewhere.body)).to.equal(409);
      expect(elsewhere.body.error.code).to.equal('client_generated_id_reused');
      expect(await api.deps.db('messages').where({ chat_id: direct })).to.have.length(0);
    });

    it('deleting a group deletes its messages\' client ids with them (kept apart, with no foreign key to do it)', async () => {
      const [a, b] = [await newUser(), await newUser()];
      const group = await createGroup(api.http, a, [b]);
      const [mine, theirs] = [cgid(), cgid()];
      expect((await send(a, group.chat_id, { client_generated_id: mine, message: 'one' })).status).to.equal(201);
      expect((await send(b, group.chat_id, { client_generated_id: theirs, message: 'two' })).status).to.equal(201);
      const clientIds = () => api.deps.db('message_client_ids').where({ chat_id: group.chat_id }).orderBy('message_id').pluck('client_generated_id');
      expect(await clientIds()).to.deep.equal([mine, theirs]);
      expect((await api.http.delete(`/group/${group.id}`, { token: a.token })).status).to.equal(204);
      expect(await api.deps.db('messages').where({ chat_id: group.chat_id })).to.have.length(0);
      expect(await clientIds()).to.deep.equal([]);
    });

    it('a send committing while its group is deleted leaves no client id behind: the sender may use the id again', async () => {
      const [a, b] = [await newUser(), await newUser()];
      const group = await createGroup(api.http, a, [b]);
      const id = cgid();
      // A worker's send transaction, stopped after its insert: it holds the chat's row.
      const trx = await api.deps.db.transaction();
      const row = {
        chat_id: group.chat_id, sender_uid: b.uid, message: 'last words', message_type: 'text' as const, format: 'plain' as const, client_generated_id: id,
        reply_to_id: null, reply_root_id: null, forwarded_from: null, mentions: [], file: null, remind_at: null,
      };
      expect((await storeMessages(trx, [row], ORDER_WINDOW_MS))?.inserted).to.have.length(1);
      const disband = api.http.delete(`/group/${group.id}`, { token: a.token });
      // The disband waits for the chat's row; the send commits meanwhile.
      const waiting = async () => (await api.deps.db.raw(`select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query ilike '%chats%'`)).rows.length > 0;
      try {
        await waitFor(waiting, 5000);
      } finally {
        await trx.commit();
      }
      expect((await disband).status).to.equal(204);
      expect(await api.deps.db('messages').where({ chat_id: group.chat_id })).to.have.length(0);
      expect(await api.deps.db('message_client_ids').where({ sender_uid: b.uid, client_generated_id: id })).to.have.length(0);
      const elsewhere = await befriend(api.http, a, b);
      expect((await send(b, elsewhere, { client_generated_id: id, message: 'again' })).status).to.equal(201);
    });

    it('a stored batch records one outbox row, in the effects contract, naming its messages in (chat, seq) order', async () => {
      const [a, b] = [await newUser(), await newUser()];
      const [direct, group] = [await befriend(api.http, a, b), (await createGroup(api.http, a, [b])).chat_id];
      const row = (chatId: string, text: string) => ({
        chat_id: chatId, sender_uid: a.uid, message: text, message_type: 'text' as const, format: 'plain' as const, client_generated_id: cgid(),
        reply_to_id: null, reply_root_id: null, forwarded_from: null, mentions: [], file: null, remind_at: null,
      });
      const stored = await storeMessages(api.deps.db, [row(group, 'one'), row(direct, 'two'), row(group, 'three')], ORDER_WINDOW_MS);
      const recorded = await api.deps.db('outbox').where({ id: stored?.outbox.id }).first<{ effects: unknown } | undefined>('effects');
      const inOrder = [...(stored?.inserted ?? [])].sort((x, y) => Number(BigInt(x.chat_id) - BigInt(y.chat_id)) || Number(x.seq) - Number(y.seq));
      expect(Effects.parse(recorded?.effects)).to.deep.equal([
        { kind: 'sent', msg_ids: inOrder.map((m) => m.id), chat_ids: [...new Set(inOrder.map((m) => m.chat_id))] },
      ]);
      // The statement answers the effects once (on its first row): the caller gets them as written.
      expect(stored?.outbox.effects).to.deep.equal(recorded?.effects);
      expect(stored?.outbox.behind).to.equal(false);
    });

    it('a batch stores every kind of value as given (nulls, mentions, files, reminders, unicode), by one statement text for any size', async () => {
      const [a, b] = [await newUser(), await newUser()];
      const group = (await createGroup(api.http, a, [b])).chat_id;
      const file = { fid: 'f'.repeat(32), name: 'Ünïcode “name”.png', size: 12345, mime: 'image/png', width: 640, height: 480 };
      const base = { chat_id: group, sender_uid: a.uid, message_type: 'text' as const, format: 'plain' as const, reply_to_id: null, reply_root_id: null, forwarded_from: null, mentions: [] as string[], file: null, remind_at: null };
      const [first] = (await storeMessages(api.deps.db, [{ ...base, message: 'root', client_generated_id: cgid() }], ORDER_WINDOW_MS))?.inserted ?? [];
      const rows = [
        { ...base, message: 'plain, with "quotes", {braces}, commas, a backslash \\ and NULL', client_generated_id: cgid() },
        { ...base, message: '👋🏽 नमस्ते — مرحبا\nnew line', client_generated_id: cgid(), mentions: [b.uid], format: 'markdown' as const },
        { ...base, message: file.fid, message_type: 'image' as const, client_generated_id: cgid(), file },
        { ...base, message: 'remember', message_type: 'reminder' as const, client_generated_id: cgid(), remind_at: new Date('2030-01-02T03:04:05.678Z') },
        { ...base, message: 'a reply', client_generated_id: cgid(), reply_to_id: first?.id ?? null, reply_root_id: first?.id ?? null, forwarded_from: first?.id ?? null },
      ];
      const stored = await storeMessages(api.deps.db, rows, ORDER_WINDOW_MS);
      expect(stored?.inserted.map((m) => Number(m.seq))).to.deep.equal([2, 3, 4, 5, 6]);
      const ids = stored?.inserted.map((m) => BigInt(m.id)) ?? [];
      expect(ids, 'ids drawn in the batch order').to.deep.equal([...ids].sort((x, y) => (x < y ? -1 : 1)));
      const fields = ['message', 'message_type', 'format', 'client_generated_id', 'reply_to_id', 'reply_root_id', 'forwarded_from', 'mentions', 'file', 'remind_at'] as const;
      const readBack = await api.deps.db('messages').where({ chat_id: group }).andWhere('seq', '>', 1).orderBy('seq');
      for (const [i, row] of rows.entries()) {
        for (const field of fields) expect(readBack[i][field], field).to.deep.equal(row[field]);
        for (const field of fields) expect(stored?.inserted[i]?.[field], `returned ${field}`).to.deep.equal(row[field]);
      }
      expect(stored?.inserted[0]).to.not.have.property('search_words');

      // A value too long for its column fails the batch; it is never cut to fit.
      const tooLong = await storeMessages(api.deps.db, [{ ...base, message: 'x', client_generated_id: 'x'.repeat(65) }], ORDER_WINDOW_MS).then(() => null, (err: { code?: string }) => err.code);
      expect(tooLong).to.equal('22001');

      // Batches of other sizes use the same statement, parsed once by the connection.
      await api.deps.db.transaction(async (trx) => {
        for (const size of [1, 3, 7]) await storeMessages(trx, Array.from({ length: size }, () => ({ ...base, message: 'x', client_generated_id: cgid() })), ORDER_WINDOW_MS);
        const prepared = await trx.raw<{ rows: { name: string }[] }>(`select name from pg_prepared_statements where statement ilike '%insert into messages%'`);
        expect(prepared.rows.map((r) => r.name)).to.deep.equal(['store_messages']);
      });
    });

    it('a batch naming a chat that is gone (a group deleted since the gate) stores nothing, its outbox row included', async () => {
      const [a, b] = [await newUser(), await newUser()];
      const [direct, gone] = [await befriend(api.http, a, b), (await createGroup(api.http, a, [b])).chat_id];
      expect((await api.http.delete(`/group/${(await api.deps.db('groups').where({ chat_id: gone }).first()).id}`, { token: a.token })).status).to.equal(204);
      const row = (chatId: string) => ({
        chat_id: chatId, sender_uid: a.uid, message: 'x', message_type: 'text' as const, format: 'plain' as const, client_generated_id: cgid(),
        reply_to_id: null, reply_root_id: null, forwarded_from: null, mentions: [], file: null, remind_at: null,
      });
      for (const batch of [[row(gone)], [row(direct), row(gone), row(direct)]]) {
        const failure = await storeMessages(api.deps.db, batch, ORDER_WINDOW_MS).then(() => null, (err: { code?: string }) => err.code);
        expect(failure, 'the missing seq fails the statement').to.equal('23502');
      }
      // No `sent` row naming no messages (the relay could never deliver it).
      expect(await api.deps.db('outbox').whereRaw(`effects->0->>'kind' = 'sent' and (jsonb_typeof(effects->0->'msg_ids') is distinct from 'array' or effects->0->'msg_ids' = '[]'::jsonb)`)).to.have.length(0);
      expect(await api.deps.db('messages').whereIn('chat_id', [direct, gone])).to.have.length(0);
      expect(await api.deps.db('message_client_ids').where({ sender_uid: a.uid })).to.have.length(0);
    });

    it('batches over the same chats, stored at once in any order, neither deadlock nor leave a seq gap', async () => {
      const a = await newUser();
      const chats = await Promise.all([0, 1, 2].map(async () => (await createGroup(api.http, a, [])).chat_id));
      const row = (chatId: string) => ({
        chat_id: chatId, sender_uid: a.uid, message: 'x', message_type: 'text' as const, format: 'plain' as const, client_generated_id: cgid(),
        reply_to_id: null, reply_root_id: null, forwarded_from: null, mentions: [], file: null, remind_at: null,
      });
      // Each transaction holds its locks a moment before committing, so the batches overlap.
      const orders = [[0, 1, 2], [2, 1, 0], [1, 2, 0], [2, 0, 1]];
      await Promise.all(Array.from({ length: 16 }, (_, i) => api.deps.db.transaction(async (trx) => {
        await storeMessages(trx, (orders[i % orders.length] as number[]).map((k) => row(chats[k] as string)), ORDER_WINDOW_MS);
        await new Promise((resolve) => setTimeout(resolve, 5));
      })));
      for (const chatId of chats) {
        expect((await api.deps.db('messages').where({ chat_id: chatId }).orderBy('seq').pluck('seq')).map(Number)).to.deep.equal(Array.from({ length: 16 }, (_, i) => i + 1));
      }
    });

    it('sends emotes and markdown; refuses markdown with HTML or unsafe links', async () => {
      const [a, b] = [await newUser(), await newUser()];
      const chatId = await befriend(api.http, a, b);
      expect((await send(a, chatId, { message_type: 'emote', message: ':wave:' })).status).to.equal(201);
      const md = await send(a, chatId, { message: '# Title\n\n*bold* [site](https://example.org)\n\n```\ncode\n```', format: 'markdown' });
      expect(md.status).to.equal(201);
      expect(md.body.message).to.equal('# Title\n\n*bold* [site](https://example.org)\n\n```\ncode\n```');
      for (const message of ['<script>alert(1)</script>', 'hi <b>there</b>', '[x](javascript:alert(1))', `${'> '.repeat(40)}deep`]) {
        const res = await send(a, chatId, { message, format: 'markdown' });
        expect(res.status, message).to.equal(400);
        expect(res.body.error.code).to.equal('invalid_markdown');
      }
    });
  });

  describe('refusals', () => {
    it('refuses a chat you are not in, a friend who blocked you, and someone no longer your friend', async () => {
      const [a, b, c] = [await newUser(), await newUser(), await newUser()];
      const chatId = await befriend(api.http, a, b);
      const outsider = await send(c, chatId, { message: 'let me in' });
      expect(outsider.status).to.equal(403);
      expect(outsider.body.error.code).to.equal('not_member');
      expect((await send(c, '999999999', { message: 'x' })).body.error.code).to.equal('not_member');

      await api.http.post('/friend/block', { token: b.token, json: { target_user_id: a.uid } });
      const blocked = await send(a, chatId, { message: 'hello?' });
      expect(blocked.status).to.equal(403);
      expect(blocked.body.error.code).to.equal('blocked');
      await api.http.delete(`/friend/block/${a.uid}`, { token: b.token });
      await api.http.delete(`/friend/${a.uid}`, { token: b.token });
      expect((await send(a, chatId, { message: 'still friends?' })).body.error.code).to.equal('not_friends');
      expect(await api.deps.db('messages').where({ chat_id: chatId })).to.have.length(0);
    });

    it('refuses muted members and members under mute_all, not the owner or managers', async () => {
      const [owner, manager, member] = [await newUser(), await newUser(), await newUser()];
      const group = await createGroup(api.http, owner, [manager, member]);
      await api.http.put(`/group/${group.id}/managers`, { token: owner.token, json: { target_user_id: manager.uid, is_manager: true } });
      await api.http.post(`/group/${group.id}/mute`, { token: owner.token, json: { target_user_id: member.uid, mute_status: true, duration_seconds: 600 } });
      expect((await send(member, group.chat_id, { message: 'x' })).body.error.code).to.equal('muted');
      await api.http.post(`/group/${group.id}/mute`, { token: owner.token, json: { target_user_id: member.uid, mute_status: false } });
      await api.http.put(`/group/${group.id}/profile`, { token: owner.token, json: { mute_all: true } });
      expect((await send(member, group.chat_id, { message: 'x' })).body.error.code).to.equal('muted_all');
      expect((await send(manager, group.chat_id, { message: 'x' })).status).to.equal(201);
      expect((await send(owner, group.chat_id, { message: 'x' })).status).to.equal(201);
    });

    it('a refused send retried with the same client_generated_id is gated again, not handed the old refusal', async () => {
      const [owner, member] = [await newUser(), await newUser()];
      const group = await createGroup(api.http, owner, [member]);
      await api.http.post(`/group/${group.id}/mute`, { token: owner.token, json: { target_user_id: member.uid, mute_status: true, duration_seconds: 600 } });
      const id = cgid();
      const refused = await Promise.all([1, 2].map(() => send(member, group.chat_id, { client_generated_id: id, message: 'let me speak' })));
      expect(refused.map((r) => [r.status, r.body.error?.code])).to.deep.equal([[403, 'muted'], [403, 'muted']]);
      // Still muted: the retry is refused again, by the gate.
      expect((await send(member, group.chat_id, { client_generated_id: id, message: 'let me speak' })).body.error.code).to.equal('muted');
      await api.http.post(`/group/${group.id}/mute`, { token: owner.token, json: { target_user_id: member.uid, mute_status: false } });
      const retried = await send(member, group.chat_id, { client_generated_id: id, message: 'let me speak' });
      expect(retried.status, JSON.stringify(retried.body)).to.equal(201);
      expect(retried.body).to.include({ client_generated_id: id, message: 'let me speak', sender_uid: member.uid });
      expect(await api.deps.db('messages').where({ sender_uid: member.uid, client_generated_id: id })).to.have.length(1);
    });

    it('refuses empty, oversized and mistyped messages, and unknown or system types', async () => {
      const [a, b] = [await newUser(), await newUser()];
      const chatId = await befriend(api.http, a, b);
      const bodies: Record<string, unknown>[] = [
        { message: '' },
        { message: '   ' },
        { message: 'x'.repeat(4001) },
        { message: 'bell\u0007' },
        { message: 'hi', message_type: 'video' },
        { message: 'hi', message_type: 'system' },
        { message: 42 },
        { message_type: 'text' },
        { message: 'x', message_type: 'emote' + '' , format: 'markdown' },
        { message_type: 'image', message: 'not-a-fid' },
        { message_type: 'reminder', message: 'later' },
        { message_type: 'reminder', message: 'past', remind_at: new Date(Date.now() - 1000).toISOString() },
        { message: 'x', remind_at: new Date(Date.now() + 60_000).toISOString() },
        { message: 'x', mentions: ['nope'] },
        { message: 'x', client_generated_id: 'has spaces' },
        { message: 'x', client_generated_id: 'c'.repeat(65) },
        { message: 'x', forward_from_id: '1' },
        { message: 'x', unknown_field: true },
      ];
      for (const body of bodies) {
        const res = await send(a, chatId, body);
        expect(res.status, JSON.stringify(body)).to.equal(400);
        expect(res.body.error.code, JSON.stringify(body)).to.match(/^invalid_/);
      }
      expect((await api.http.post(`/chats/${chatId}/messages`, { token: a.token, raw: '{"message": "x"', headers: { 'content-type': 'application/json' } })).status).to.equal(400);
      expect((await api.http.post('/chats/abc/messages', { token: a.token, json: { message: 'x', message_type: 'text', client_generated_id: cgid() } })).status).to.equal(400);
      expect((await api.http.post(`/chats/${chatId}/messages`, { json: { message: 'x' } })).status).to.equal(401);
      expect(await api.deps.db('messages').where({ chat_id: chatId })).to.have.length(0);
    });

    it('refuses a reply to a message of another chat', async () => {
      const [a, b, c] = [await newUser(), await newUser(), await newUser()];
      const ab = await befriend(api.http, a, b);
      const ac = await befriend(api.http, a, c);
      const elsewhere = await send(a, ac, { message: 'in ac' });
      const res = await send(a, ab, { message: 'reply', reply_to_id: elsewhere.body.id });
      expect(res.status).to.equal(400);
      expect(res.body.error.code).to.equal('invalid_reply');
      expect((await send(a, ab, { message: 'reply', reply_root_id: '999999999' })).body.error.code).to.equal('invalid_reply');
    });

    it('forwards a message the sender can see, copying its body; refuses one they cannot', async () => {
      const [a, b, c] = [await newUser(), await newUser(), await newUser()];
      const ab = await befriend(api.http, a, b);
      const bc = await befriend(api.http, b, c);
      const source = await send(a, ab, { message: 'pass it on', message_type: 'text' });
      const forwarded = await api.http.post(`/chats/${bc}/messages`, { token: b.token, json: { client_generated_id: cgid(), forward_from_id: source.body.id } });
      expect(forwarded.status).to.equal(201);
      expect(forwarded.body).to.include({ message: 'pass it on', message_type: 'text', forwarded_from: source.body.id, chat_id: bc, sender_uid: b.uid });
      const stolen = await api.http.post(`/chats/${bc}/messages`, { token: c.token, json: { client_generated_id: cgid(), forward_from_id: source.body.id } });
      expect(stolen.status).to.equal(404);
    });
  });

  describe('reading', () => {
    it('pages newest first with before=<message id>, and fills gaps in order with after=<seq>', async () => {
      const [a, b] = [await newUser(), await newUser()];
      const chatId = await befriend(api.http, a, b);
      const sent = [];
      for (let i = 1; i <= 5; i++) sent.push((await send(a, chatId, { message: `m${i}` })).body);
      const newest = await api.http.get(`/chats/${chatId}/messages?max=2`, { token: b.token });
      expect(newest.body.messages.map((m: { seq: number }) => m.seq)).to.deep.equal([5, 4]);
      expect(newest.body.has_more).to.equal(true);
      const older = await api.http.get(`/chats/${chatId}/messages?max=10&before=${newest.body.messages[1].id}`, { token: b.token });
      expect(older.body.messages.map((m: { seq: number }) => m.seq)).to.deep.equal([3, 2, 1]);
      expect(older.body.has_more).to.equal(false);
      const gap = await api.http.get(`/chats/${chatId}/messages?after=2`, { token: b.token });
      expect(gap.body.messages.map((m: { message: string }) => m.message)).to.deep.equal(['m3', 'm4', 'm5']);
      for (const query of ['max=0', 'max=101', 'after=-1', 'before=abc', 'before=1&after=1']) {
        expect((await api.http.get(`/chats/${chatId}/messages?${query}`, { token: b.token })).status, query).to.equal(400);
      }
    });

    it('shows a chat only to its members (404 to everyone else, and after leaving)', async () => {
      const [owner, member, outsider] = [await newUser(), await newUser(), await newUser()];
      const group = await createGroup(api.http, owner, [member]);
      await send(owner, group.chat_id, { message: 'members only' });
      expect((await api.http.get(`/chats/${group.chat_id}/messages`, { token: member.token })).status).to.equal(200);
      expect((await api.http.get(`/chats/${group.chat_id}/messages`, { token: outsider.token })).status).to.equal(404);
      await api.http.delete(`/group/${group.id}/members/${member.uid}`, { token: member.token });
      expect((await api.http.get(`/chats/${group.chat_id}/messages`, { token: member.token })).status).to.equal(404);
      expect((await api.http.post(`/chats/${group.chat_id}/read`, { token: member.token, json: { seq: 1 } })).status).to.equal(404);
    });

    it('never shows a blocked sender\'s messages, in history or as a chat\'s last message', async () => {
      const [owner, annoying, reader] = [await newUser(), await newUser(), await newUser()];
      const group = await createGroup(api.http, owner, [annoying, reader]);
      await send(owner, group.chat_id, { message: 'welcome' });
      await api.http.post('/friend/block', { token: reader.token, json: { target_user_id: annoying.uid } });
      await send(annoying, group.chat_id, { message: 'spam' });
      const history = await api.http.get(`/chats/${group.chat_id}/messages`, { token: reader.token });
      expect(history.body.messages.map((m: { message: string }) => m.message)).to.deep.equal(['welcome']);
      const chats = await api.http.get('/chats', { token: reader.token });
      expect(chats.body.chats[0].last_message.message).to.equal('welcome');
      const ownerView = await api.http.get(`/chats/${group.chat_id}/messages`, { token: owner.token });
      expect(ownerView.body.messages.map((m: { message: string }) => m.message)).to.deep.equal(['spam', 'welcome']);
    });

    it('lists chats by last activity with unread counts, and read moves the pointer forward only', async () => {
      const [a, b, c] = [await newUser(), await newUser(), await newUser()];
      const ab = await befriend(api.http, a, b);
      const ac = await befriend(api.http, a, c);
      await send(b, ab, { message: 'one' });
      await send(b, ab, { message: 'two' });
      await send(c, ac, { message: 'newest' });
      const list = await api.http.get('/chats', { token: a.token });
      expect(list.body.chats.map((x: { chat_id: string }) => x.chat_id)).to.deep.equal([ac, ab]);
      const abView = list.body.chats[1];
      expect(abView).to.include({ kind: 'direct', last_seq: 2, last_read_seq: 0, unread_count: 2 });
      expect(abView.peer.uid).to.equal(b.uid);
      expect(abView.last_message.message).to.equal('two');
      expect((await api.http.get('/chats', { token: b.token })).body.chats.find((x: { chat_id: string }) => x.chat_id === ab).unread_count).to.equal(0);

      const read = await api.http.post(`/chats/${ab}/read`, { token: a.token, json: { seq: 1 } });
      expect(read.body).to.deep.equal({ chat_id: ab, last_read_seq: 1, unread_count: 1 });
      expect((await api.http.post(`/chats/${ab}/read`, { token: a.token, json: { seq: 0 } })).body.last_read_seq).to.equal(1);
      expect((await api.http.post(`/chats/${ab}/read`, { token: a.token, json: { seq: 999 } })).body.last_read_seq).to.equal(2);
      expect((await api.http.post(`/chats/${ab}/read`, { token: a.token, json: { seq: -1 } })).status).to.equal(400);
      expect((await api.http.post(`/chats/${ab}/read`, { token: a.token, json: { seq: '2' } })).status).to.equal(400);
      for (const query of ['limit=0', 'limit=101', 'limit=ten']) expect((await api.http.get(`/chats?${query}`, { token: a.token })).status, query).to.equal(400);
      expect((await api.http.get('/chats?limit=1', { token: a.token })).body.chats).to.have.length(1);
    });
  });

  describe('recall and reactions', () => {
    it('the sender recalls within the window: the body is erased, the place kept', async () => {
      const [a, b] = [await newUser(), await newUser()];
      const chatId = await befriend(api.http, a, b);
      const sent = await send(a, chatId, { message: 'oops' });
      expect((await api.http.post('/chats/message/recall', { token: b.token, json: { msg_id: sent.body.id } })).body.error.code).to.equal('not_allowed');
      const res = await api.http.post('/chats/message/recall', { token: a.token, json: { msg_id: sent.body.id } });
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.equal({ chat_id: chatId, msg_id: sent.body.id, seq: 1, recalled: true });
      const [stored] = (await api.http.get(`/chats/${chatId}/messages`, { token: b.token })).body.messages;
      expect(stored).to.include({ seq: 1, recalled: true, message: '' });
      expect((await api.http.post('/chats/message/recall', { token: a.token, json: { msg_id: sent.body.id } })).status).to.equal(200);
    });

    it('refuses a recall after the window; the group owner may recall any time; strangers get 404', async () => {
      const [owner, member, stranger] = [await newUser(), await newUser(), await newUser()];
      const group = await createGroup(api.http, owner, [member]);
      const sent = await send(member, group.chat_id, { message: 'regret later' });
      await new Promise((resolve) => setTimeout(resolve, 2200));
      const late = await api.http.post('/chats/message/recall', { token: member.token, json: { msg_id: sent.body.id } });
      expect(late.status).to.equal(403);
      expect(late.body.error.code).to.equal('recall_window_passed');
      expect((await api.http.post('/chats/message/recall', { token: stranger.token, json: { msg_id: sent.body.id } })).status).to.equal(404);
      expect((await api.http.post('/chats/message/recall', { token: owner.token, json: { msg_id: sent.body.id } })).status).to.equal(200);
      expect((await api.http.post('/chats/message/recall', { token: owner.token, json: { msg_id: 'x' } })).status).to.equal(400);
      expect((await api.http.post('/chats/message/recall', { token: owner.token, json: { msg_id: '999999999' } })).status).to.equal(404);
    });

    it('adds and removes reactions; only people who can see the message may react', async () => {
      const [a, b, c] = [await newUser(), await newUser(), await newUser()];
      const chatId = await befriend(api.http, a, b);
      const sent = await send(a, chatId, { message: 'react to me' });
      const path = `/chats/${chatId}/messages/${sent.body.id}/reactions`;
      const added = await api.http.post(path, { token: b.token, json: { emoji: '👍' } });
      expect(added.status).to.equal(200);
      expect(added.body.reactions).to.deep.equal([{ emoji: '👍', count: 1, uids: [b.uid] }]);
      await api.http.post(path, { token: a.token, json: { emoji: '👍' } });
      const [listed] = (await api.http.get(`/chats/${chatId}/messages`, { token: a.token })).body.messages;
      expect(listed.reactions).to.deep.equal([{ emoji: '👍', count: 2, uids: [b.uid, a.uid] }]);
      const removed = await api.http.delete(`${path}/${encodeURIComponent('👍')}`, { token: b.token });
      expect(removed.body.reactions).to.deep.equal([{ emoji: '👍', count: 1, uids: [a.uid] }]);
      expect((await api.http.delete(`${path}/${encodeURIComponent('👍')}`, { token: b.token })).status).to.equal(404);
      expect((await api.http.post(path, { token: c.token, json: { emoji: '👍' } })).status).to.equal(404);
      expect((await api.http.post(path, { token: b.token, json: { emoji: '' } })).status).to.equal(400);
      expect((await api.http.post(path, { token: b.token, json: { emoji: 'x'.repeat(33) } })).status).to.equal(400);
    });
  });
});
