import { expect } from 'chai';
import { invalidate, readThrough } from '../../shared/access/fact-cache.ts';
import { loadChatFactsMany, loadMemberFactsMany, loadPairFactsMany } from '../../shared/db/repositories/access.repository.ts';
import { startTestApi, type TestApi } from '../support/api-server.ts';
import { uniquePrefix } from '../support/config.ts';
import { befriend, createGroup } from '../support/social.ts';
import { signUp } from '../support/users.ts';

describe('user state service', () => {
  let api: TestApi;
  const newUser = () => signUp(api.http, { stem: 'us' });
  before(async () => {
    api = await startTestApi();
  });
  after(() => api.close());

  it('direct chats: friends may send; unfriending or a block in either direction stops it', async () => {
    const [a, b] = [await newUser(), await newUser()];
    const chatId = await befriend(api.http, a, b);
    const state = api.deps.userState;
    expect((await state.canSend(a.uid, chatId)).allowed).to.equal(true);
    expect((await state.canSend(b.uid, chatId)).allowed).to.equal(true);

    await api.http.post('/friend/block', { token: b.token, json: { target_user_id: a.uid } });
    expect(await state.canSend(a.uid, chatId)).to.deep.equal({ allowed: false, code: 'blocked' });
    expect(await state.canSend(b.uid, chatId)).to.deep.equal({ allowed: false, code: 'blocked' });
    expect(await state.blocks(b.uid, a.uid)).to.equal(true);
    expect(await state.blocks(a.uid, b.uid)).to.equal(false);

    await api.http.delete(`/friend/block/${a.uid}`, { token: b.token });
    expect((await state.canSend(a.uid, chatId)).allowed).to.equal(true);
    await api.http.delete(`/friend/${b.uid}`, { token: a.token });
    expect(await state.canSend(a.uid, chatId)).to.deep.equal({ allowed: false, code: 'not_friends' });
    expect(await state.canSeeChat(a.uid, chatId)).to.equal(true);
  });

  it('group chats: members may send; outsiders, muted members and members under mute_all may not', async () => {
    const [owner, manager, member, outsider] = [await newUser(), await newUser(), await newUser(), await newUser()];
    const group = await createGroup(api.http, owner, [manager, member]);
    await api.http.put(`/group/${group.id}/managers`, { token: owner.token, json: { target_user_id: manager.uid, is_manager: true } });
    const state = api.deps.userState;
    expect((await state.canSend(member.uid, group.chat_id)).allowed).to.equal(true);
    expect(await state.canSend(outsider.uid, group.chat_id)).to.deep.equal({ allowed: false, code: 'not_member' });
    expect(await state.canSend(member.uid, '999999999')).to.deep.equal({ allowed: false, code: 'not_member' });
    expect(await state.canSeeChat(outsider.uid, group.chat_id)).to.equal(false);

    await api.http.put(`/group/${group.id}/profile`, { token: owner.token, json: { mute_all: true } });
    expect(await state.canSend(member.uid, group.chat_id)).to.deep.equal({ allowed: false, code: 'muted_all' });
    expect((await state.canSend(manager.uid, group.chat_id)).allowed).to.equal(true);
    expect((await state.canSend(owner.uid, group.chat_id)).allowed).to.equal(true);

    await api.http.put(`/group/${group.id}/profile`, { token: owner.token, json: { mute_all: false } });
    await api.http.post(`/group/${group.id}/mute`, { token: owner.token, json: { target_user_id: member.uid, mute_status: true, duration_seconds: 600 } });
    expect(await state.canSend(member.uid, group.chat_id)).to.deep.equal({ allowed: false, code: 'muted' });

    await api.http.delete(`/group/${group.id}/members/${member.uid}`, { token: owner.token });
    expect(await state.canSend(member.uid, group.chat_id)).to.deep.equal({ allowed: false, code: 'not_member' });
    await api.http.delete(`/group/${group.id}`, { token: owner.token });
    expect(await state.canSend(owner.uid, group.chat_id)).to.deep.equal({ allowed: false, code: 'not_member' });
  });

  it('serves repeated questions from Redis', async () => {
    const [a, b] = [await newUser(), await newUser()];
    const chatId = await befriend(api.http, a, b);
    await api.deps.userState.canSend(a.uid, chatId);
    expect(await api.deps.redis.exists(api.deps.keys.chatFacts(chatId), api.deps.keys.memberFacts(chatId, a.uid), api.deps.keys.pairFacts(a.uid, b.uid))).to.equal(3);
  });

  it('loads the facts that Redis misses for many questions at once in one query per kind, each answered right', async () => {
    const pairs = await Promise.all(Array.from({ length: 8 }, async () => {
      const [a, b] = [await newUser(), await newUser()];
      return { a, b, chatId: await befriend(api.http, a, b) };
    }));
    const [blocked] = pairs as [(typeof pairs)[number]];
    await api.http.post('/friend/block', { token: blocked.b.token, json: { target_user_id: blocked.a.uid } });
    const { keys, redis, db, userState } = api.deps;
    await redis.del(...pairs.flatMap(({ a, b, chatId }) => [keys.chatFacts(chatId), keys.memberFacts(chatId, a.uid), keys.pairFacts(a.uid, b.uid)]));

    const statements: string[] = [];
    // Reads only: the block above leaves an outbox row for the api's next batched delete, which may land here.
    const count = (query: { sql: string }) => query.sql.startsWith('select') && statements.push(query.sql);
    db.on('query', count);
    const decisions = await Promise.all(pairs.map(({ a, chatId }) => userState.canSend(a.uid, chatId)).concat(userState.canSend(blocked.b.uid, '999999999999')));
    db.off('query', count);

    expect(decisions.map((d) => (d.allowed ? 'allowed' : d.code))).to.deep.equal(['blocked', ...Array(7).fill('allowed'), 'not_member']);
    // One query each for the chats, the memberships and the pairs: not one per fact.
    expect(statements).to.have.length(3);
  });

  it('a malformed, oversized or unknown key loaded with good ones finds nothing and spoils nothing', async () => {
    const [a, b, stranger] = [await newUser(), await newUser(), await newUser()];
    const chatId = await befriend(api.http, a, b);
    const { db } = api.deps;
    const badIds = ['not-an-id', '', '99999999999999999999', '-1', '1e3', ' 1', '٣'];
    const chats = await loadChatFactsMany(db, [...badIds, chatId, '9223372036854775807']);
    expect(chats.slice(0, badIds.length)).to.deep.equal(badIds.map(() => null));
    expect(chats[badIds.length]).to.deep.include({ kind: 'direct' });
    expect(chats[badIds.length + 1]).to.equal(null);

    const members = await loadMemberFactsMany(db, [
      ...badIds.map((id) => ({ chatId: id, uid: a.uid })),
      { chatId, uid: 'x'.repeat(500) },
      { chatId, uid: stranger.uid },
      { chatId, uid: a.uid },
    ]);
    expect(members.slice(0, -1)).to.deep.equal(Array(badIds.length + 2).fill(null));
    expect(members.at(-1)).to.deep.equal({ role: null, mutedUntil: null });

    const pairs = await loadPairFactsMany(db, [['', a.uid], ['x'.repeat(500), b.uid], [a.uid, stranger.uid], [a.uid, b.uid]]);
    expect(pairs).to.deep.equal([
      { friends: false, blockers: [] },
      { friends: false, blockers: [] },
      { friends: false, blockers: [] },
      { friends: true, blockers: [] },
    ]);
  });

  it('reads the cached facts of many questions at once: one MGET per step of the decision, not one per fact', async () => {
    const pairs = await Promise.all(Array.from({ length: 8 }, async () => {
      const [a, b] = [await newUser(), await newUser()];
      return { a, chatId: await befriend(api.http, a, b) };
    }));
    const { redis, userState } = api.deps;
    const ask = () => Promise.all(pairs.map(({ a, chatId }) => userState.canSend(a.uid, chatId)));
    await ask(); // now cached

    const mget = redis.mget.bind(redis);
    const reads: number[] = [];
    redis.mget = ((...args: Parameters<typeof redis.mget>) => {
      reads.push(args.flat().length);
      return mget(...args);
    }) as typeof redis.mget;
    const decisions = await ask().finally(() => (redis.mget = mget));

    expect(decisions.every((d) => d.allowed)).to.equal(true);
    // The chats and memberships together, then the pairs; each fact with its generation counter.
    expect(reads).to.deep.equal([32, 16]);
  });

  describe('the fact cache', () => {
    it('never stores an answer loaded before an invalidation that happened during the load', async () => {
      const key = `${uniquePrefix()}:fact`;
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      // A slow reader loads "old" and is overtaken by a writer's invalidation.
      const slow = readThrough(api.deps.redis, key, 60_000, async () => {
        await gate;
        return 'old';
      });
      await new Promise((resolve) => setTimeout(resolve, 20));
      await invalidate(api.deps.redis, [key]);
      release();
      expect(await slow).to.equal('old');
      expect(await api.deps.redis.get(key)).to.equal(null);
      expect(await readThrough(api.deps.redis, key, 60_000, async () => 'new')).to.equal('new');
      expect(await readThrough(api.deps.redis, key, 60_000, async () => 'unused')).to.equal('new');
    });
  });
});
