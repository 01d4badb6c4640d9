import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import fc from 'fast-check';
import { RANKED_MATCHES_MAX, searchMessages, type MessageSearch } from '../../shared/db/repositories/message-search.repository.ts';
import { storeMessages } from '../../shared/db/repositories/messages.repository.ts';
import { ORDER_WINDOW_MS } from '../../shared/effects/outbox.ts';
import { CHATS_PATH_ALWAYS_MAX, type SearchPath } from '../../shared/search/search-path.ts';
import { UNSPACED_SQL_CLASS } from '../../shared/search/unspaced-text.ts';
import { startTestApi, type TestApi } from '../support/api-server.ts';
import { befriend, createGroup } from '../support/social.ts';
import { signUp, type TestUser } from '../support/users.ts';
import { startTestWorkers } from '../support/workers.ts';

interface Result {
  message: { id: string; chat_id: string; message: string; sender_uid: string };
  highlights: { start: number; end: number }[];
}

describe('message search (api and workers against PostgreSQL and Redis)', function () {
  this.timeout(60_000);
  let api: TestApi;
  let workers: Awaited<ReturnType<typeof startTestWorkers>>;
  const newUser = () => signUp(api.http, { stem: 'srch' });
  const send = async (user: TestUser, chatId: string, message: string) => {
    const res = await api.http.post(`/chats/${chatId}/messages`, { token: user.token, json: { client_generated_id: `s-${randomBytes(6).toString('hex')}`, message_type: 'text', message } });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body as { id: string; seq: number };
  };
  const search = (user: TestUser, query: Record<string, string | number>) =>
    api.http.get(`/chats/search?${new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)])).toString()}`, { token: user.token });
  const found = async (user: TestUser, query: Record<string, string | number>): Promise<string[]> => {
    const res = await search(user, query);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return (res.body.results as Result[]).map((r) => r.message.message);
  };
  /** A word no other test's message holds. */
  const word = () => `w${randomBytes(4).toString('hex')}`;

  before(async () => {
    api = await startTestApi({ RECALL_WINDOW_SECONDS: '60' });
    workers = await startTestWorkers(api.deps.config);
  });
  after(async () => {
    await workers.close();
    await api.close();
  });

  describe('matching', () => {
    let owner: TestUser;
    let member: TestUser;
    let chatId: string;
    const tag = word();

    before(async () => {
      [owner, member] = [await newUser(), await newUser()];
      chatId = (await createGroup(api.http, owner, [member])).chat_id;
      for (const text of [
        `${tag} the deployment failed at noon`,
        `${tag} we deployed the fix`,
        `${tag} failed deployment again, noon meeting`,
        `${tag} lunch at noon?`,
        `${tag} 我们明天去北京吃烤鸭`,
        `${tag} 東京タワーに行きました`,
        `${tag} Grüße aus Köln, KÖLN ist schön`,
        `${tag} 100% sure_about it`,
      ]) await send(owner, chatId, text);
    });

    it('matches words by prefix, case-insensitively, newest first', async () => {
      expect(await found(member, { q: `${tag} deploy` })).to.deep.equal([
        `${tag} failed deployment again, noon meeting`,
        `${tag} we deployed the fix`,
        `${tag} the deployment failed at noon`,
      ]);
      expect(await found(member, { q: `${tag} köln` })).to.deep.equal([`${tag} Grüße aus Köln, KÖLN ist schön`]);
    });

    it('matches a "quoted phrase" as words in order, and leaves out -excluded terms', async () => {
      expect(await found(member, { q: `${tag} "deployment failed"` })).to.deep.equal([`${tag} the deployment failed at noon`]);
      expect(await found(member, { q: `${tag} noon -deployment` })).to.deep.equal([`${tag} lunch at noon?`]);
      expect(await found(member, { q: `${tag} noon -"failed deployment"` })).to.deep.equal([`${tag} lunch at noon?`, `${tag} the deployment failed at noon`]);
    });

    it('matches CJK text anywhere (substrings, no spaces needed), and excludes by substring', async () => {
      expect(await found(member, { q: `${tag} 北京` })).to.deep.equal([`${tag} 我们明天去北京吃烤鸭`]);
      expect(await found(member, { q: '烤鸭' })).to.deep.equal([`${tag} 我们明天去北京吃烤鸭`]);
      expect(await found(member, { q: 'タワー' })).to.deep.equal([`${tag} 東京タワーに行きました`]);
      expect(await found(member, { q: `${tag} -北京 -タワー -noon -deploy -köln -sure` })).to.deep.equal([]);
      expect(await found(member, { q: `${tag} -北京 -タワー -noon -deploy -köln` })).to.deep.equal([`${tag} 100% sure_about it`]);
    });

    it('takes % and _ literally in substrings', async () => {
      expect(await found(member, { q: '明天%北京' })).to.deep.equal([]);
      expect(await found(member, { q: `${tag} "100"` })).to.deep.equal([`${tag} 100% sure_about it`]);
    });

    it('answers highlights as [start, end) offsets of the matched words and substrings', async () => {
      const res = await search(member, { q: `deploy -北京 -noon ${tag}` });
      const results = res.body.results as Result[];
      expect(results.map((r) => r.message.message)).to.deep.equal([`${tag} we deployed the fix`]);
      const cjk = (await search(member, { q: `北京 ${tag}` })).body.results[0] as Result;
      const marked = (r: Result) => r.highlights.map((h) => r.message.message.slice(h.start, h.end));
      expect(marked(results[0] as Result)).to.deep.equal([tag, 'deployed']);
      expect(marked(cjk)).to.deep.equal([tag, '北京']);
      const phrase = (await search(member, { q: `"deployment failed" ${tag}` })).body.results[0] as Result;
      expect(marked(phrase)).to.deep.equal([tag, 'deployment failed']);
    });

    it('filters by chat_id, from_uid and before, and pages with next_cursor in time and rank order', async () => {
      await send(member, chatId, `${tag} member says deploy`);
      expect(await found(owner, { q: `${tag} deploy`, from_uid: member.uid })).to.deep.equal([`${tag} member says deploy`]);
      expect(await found(owner, { q: `${tag} deploy`, chat_id: chatId, limit: 1 })).to.deep.equal([`${tag} member says deploy`]);
      for (const order of ['time', 'rank']) {
        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const res = await search(owner, { q: `${tag} deploy`, order, limit: 2, ...(cursor ? { cursor } : {}) });
          expect(res.status, JSON.stringify(res.body)).to.equal(200);
          seen.push(...(res.body.results as Result[]).map((r) => r.message.id));
          cursor = res.body.next_cursor;
        } while (cursor);
        expect(seen, order).to.have.length(4);
        expect(new Set(seen).size, order).to.equal(4);
      }
      const all = (await search(owner, { q: `${tag} deploy` })).body.results as Result[];
      const older = await found(owner, { q: `${tag} deploy`, before: (all[1] as Result).message.id });
      expect(older).to.deep.equal(all.slice(2).map((r) => r.message.message));
    });

    it('follows an edit: the new text is found, the old one no longer', async () => {
      const sent = await send(owner, chatId, `${tag} original wording zebra`);
      expect(await found(member, { q: `${tag} zebra` })).to.have.length(1);
      const edited = await api.http.patch(`/chats/${chatId}/messages/${sent.id}`, { token: owner.token, json: { message: `${tag} edited wording giraffe` } });
      expect(edited.status, JSON.stringify(edited.body)).to.equal(200);
      expect(await found(member, { q: `${tag} zebra` })).to.deep.equal([]);
      expect(await found(member, { q: `${tag} giraffe` })).to.deep.equal([`${tag} edited wording giraffe`]);
      const result = (await search(member, { q: `${tag} giraffe` })).body.results[0] as Result & { message: { edit_count: number; edited_at: string | null } };
      expect(result.message.edit_count).to.equal(1);
      expect(result.message.edited_at).to.be.a('string');
    });
  });

  describe('every search path (chats large enough for the service to choose among them)', () => {
    let caller: TestUser;
    let friend: TestUser;
    let blocked: TestUser;
    let group: string;
    let dm: string;
    let otherGroup: string;
    const common = word();
    const rare = word();
    const stale = word();
    let recalledId: string;
    let editedId: string;

    /** Messages through the repositories, as the send pipeline stores them: `count` per chat, every 50th also holding `rare`. */
    const store = async (chatId: string, senders: TestUser[], count: number, tag: string, words = common) => {
      await api.deps.db.transaction(async (trx) => {
        await storeMessages(trx, Array.from({ length: count }, (_, i) => ({
          chat_id: chatId, sender_uid: (senders[i % senders.length] as TestUser).uid,
          message: `${words} ${tag} ${i}${i % 50 === 7 ? ` ${rare}` : ''}`, message_type: 'text' as const, format: 'plain' as const,
          client_generated_id: `bulk-${tag}-${i}-${randomBytes(3).toString('hex')}`, reply_to_id: null, reply_root_id: null, forwarded_from: null, mentions: [], file: null, remind_at: null,
        })), ORDER_WINDOW_MS);
      });
    };

    before(async () => {
      [caller, friend, blocked] = [await newUser(), await newUser(), await newUser()];
      const outsider = await newUser();
      group = (await createGroup(api.http, friend, [caller, blocked])).chat_id;
      otherGroup = (await createGroup(api.http, outsider, [friend])).chat_id;
      dm = await befriend(api.http, caller, friend);
      await store(group, [friend, caller, blocked], CHATS_PATH_ALWAYS_MAX + 150, 'group');
      await store(otherGroup, [outsider, friend], 200, 'other');
      await store(dm, [friend, caller], 60, 'dm');
      recalledId = (await send(friend, group, `${common} ${rare} recalled`)).id;
      expect((await api.http.post('/chats/message/recall', { token: friend.token, json: { msg_id: recalledId } })).status).to.equal(200);
      editedId = (await send(friend, dm, `${common} ${stale} before the edit`)).id;
      expect((await api.http.patch(`/chats/${dm}/messages/${editedId}`, { token: friend.token, json: { message: `${common} ${rare} after the edit` } })).status).to.equal(200);
      await send(caller, group, `${common} ${rare} newest`);
      expect((await api.http.post('/friend/block', { token: caller.token, json: { target_user_id: blocked.uid } })).status).to.equal(201);
      await api.deps.db.raw('analyze messages');
    });

    /** What the caller may find holding `text` (a tag of this test), newest first, by a query of its own. */
    const readable = async (text: string, without?: string, chats = [group, dm]) => {
      const { rows } = await api.deps.db.raw<{ rows: { id: string }[] }>(
        `select id from messages where chat_id = any(?::bigint[]) and recalled_at is null and sender_uid <> ? and message like ? and message not like ? order by id desc`,
        [chats, blocked.uid, `%${text}%`, without === undefined ? '' : `%${without}%`],
      );
      return rows.map((r) => r.id);
    };
    const byPath = (path: SearchPath | undefined, fields: Partial<MessageSearch>) =>
      searchMessages(api.deps.db, { viewerUid: caller.uid, wordsMatch: null, wordsExclude: null, substrings: [], excludedSubstrings: [], order: 'time', limit: 2000, path, ...fields });

    it('answers the same rows by every path, in both orders: only the caller\'s chats, newest first, never recalled or blocked, edits by their latest text', async () => {
      const cases: [Partial<MessageSearch>, string[]][] = [
        [{ wordsMatch: `'${common}':*` }, await readable(common)],
        [{ wordsMatch: `'${rare}':*` }, await readable(rare)],
        [{ wordsMatch: `'${common}':*`, wordsExclude: `'${rare}':*` }, await readable(common, rare)],
        [{ wordsMatch: `'${common}':*`, chatId: dm }, await readable(common, undefined, [dm])],
      ];
      expect(cases[1]?.[1]).to.include(editedId).and.not.include(recalledId);
      expect(await readable(stale)).to.deep.equal([]);
      for (const [fields, expected] of cases) {
        expect(expected.length, JSON.stringify(fields)).to.be.greaterThan(2);
        for (const path of ['chats', 'words', 'both', undefined] as const) {
          const timeOrder = await byPath(path, fields);
          expect(timeOrder.map((r) => r.id), `${path} ${JSON.stringify(fields)}`).to.deep.equal(expected);
          const ranked = await byPath(path, { ...fields, order: 'rank' });
          expect(new Set(ranked.map((r) => r.id)), `${path} rank ${JSON.stringify(fields)}`).to.deep.equal(new Set(expected.slice(0, RANKED_MATCHES_MAX)));
          expect(ranked.map((r) => `${r.id}:${r.rank}`), `${path} rank order`).to.deep.equal((await byPath('both', { ...fields, order: 'rank' })).map((r) => `${r.id}:${r.rank}`));
        }
        expect(await byPath('words', { ...fields, wordsMatch: `'${stale}':*` })).to.deep.equal([]);
      }
    });

    it('over HTTP, a common word across the caller\'s chats pages through exactly their readable messages, newest first', async () => {
      for (const q of [common, rare, `${common} -${rare}`]) {
        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const res = await search(caller, { q, limit: 50, ...(cursor ? { cursor } : {}) });
          expect(res.status, JSON.stringify(res.body)).to.equal(200);
          seen.push(...(res.body.results as Result[]).map((r) => r.message.id));
          cursor = res.body.next_cursor;
        } while (cursor);
        expect(seen, q).to.deep.equal(q.includes('-') ? await readable(common, rare) : await readable(q));
      }
      const firstPage = await search(caller, { q: common, order: 'rank', limit: 50 });
      expect((firstPage.body.results as Result[]).map((r) => r.message.chat_id).every((id) => id === group || id === dm)).to.equal(true);
    });

    it('over chats held in several partitions, pages through their matches newest first as one query would, on every path', async () => {
      const groups: string[] = [];
      for (let i = 0; i < 12; i += 1) groups.push((await createGroup(api.http, friend, [caller])).chat_id);
      const tag = word();
      for (const g of groups) await store(g, [friend, caller], 7, 'many', tag);
      const { rows } = await api.deps.db.raw<{ rows: { n: string }[] }>('select count(distinct tableoid) as n from messages where chat_id = any(?::bigint[])', [groups]);
      expect(Number(rows[0]?.n), 'partitions holding the chats').to.be.greaterThan(1);
      const expected = await readable(tag, undefined, groups);
      expect(expected).to.have.length(12 * 7);
      for (const path of ['chats', 'words', 'both', undefined] as const) {
        const seen: string[] = [];
        let after: { id: string; rank: number } | undefined;
        for (let page = await byPath(path, { wordsMatch: `'${tag}':*`, limit: 10 }); page.length > 0; page = await byPath(path, { wordsMatch: `'${tag}':*`, limit: 10, after })) {
          seen.push(...page.map((r) => r.id));
          after = { id: (page[page.length - 1] as { id: string }).id, rank: 0 };
        }
        expect(seen, String(path)).to.deep.equal(expected);
        const ranked = await byPath(path, { wordsMatch: `'${tag}':*`, order: 'rank' });
        expect(new Set(ranked.map((r) => r.id)), `${String(path)} rank`).to.deep.equal(new Set(expected));
      }
      // A substring term alone (no words): the same merge, by the substring indexes.
      const han = Array.from(randomBytes(4), (b) => String.fromCodePoint(0x4e00 + b * 64 + (b % 7))).join('');
      for (const g of groups) await store(g, [friend], 2, '北京', han);
      const withHan = await readable(han, undefined, groups);
      expect(withHan).to.have.length(12 * 2);
      const seen: string[] = [];
      let after: { id: string; rank: number } | undefined;
      for (let page = await byPath(undefined, { substrings: [{ pattern: `%${han}%`, ignoreCase: false }], limit: 5 }); page.length > 0; page = await byPath(undefined, { substrings: [{ pattern: `%${han}%`, ignoreCase: false }], limit: 5, after })) {
        seen.push(...page.map((r) => r.id));
        after = { id: (page[page.length - 1] as { id: string }).id, rank: 0 };
      }
      expect(seen).to.deep.equal(withHan);
    });
  });

  it('has the search indexes, the substring ones for exactly the scripts the query side treats as unspaced', async () => {
    const { rows } = await api.deps.db.raw<{ rows: { indexname: string; indexdef: string }[] }>(
      `select indexname, indexdef from pg_indexes where tablename = 'messages' and indexname like 'messages_search_%' order by indexname`,
    );
    expect(rows.map((r) => r.indexname)).to.deep.equal(['messages_search_text', 'messages_search_unspaced', 'messages_search_words']);
    for (const row of rows.filter((r) => r.indexname !== 'messages_search_words')) expect(row.indexdef).to.include(`'${UNSPACED_SQL_CLASS}'`);
  });

  it('bounds the pending list of every partition\'s GIN search index to 64 kB', async () => {
    const { rows } = await api.deps.db.raw<{ rows: { parent: string; options: string[] | null }[] }>(
      `select i.inhparent::regclass::text as parent, c.reloptions as options
         from pg_inherits i join pg_class c on c.oid = i.inhrelid join pg_am a on a.oid = c.relam
        where i.inhparent in ('messages_search_words'::regclass, 'messages_search_text'::regclass) and a.amname = 'gin'`,
    );
    expect(rows.length).to.be.greaterThan(1);
    for (const row of rows) expect(row.options, row.parent).to.deep.equal(['gin_pending_list_limit=64']);
  });

  describe('only messages the caller may read now', () => {
    it('never finds a chat one is not a member of; its chat_id answers 404 like an unknown chat', async () => {
      const [owner, outsider] = [await newUser(), await newUser()];
      const group = await createGroup(api.http, owner);
      const secret = word();
      await send(owner, group.chat_id, `${secret} launch codes`);
      expect(await found(owner, { q: secret })).to.have.length(1);
      expect(await found(outsider, { q: secret })).to.deep.equal([]);
      const refused = await search(outsider, { q: secret, chat_id: group.chat_id });
      const unknown = await search(outsider, { q: secret, chat_id: '999999999999' });
      expect([refused.status, unknown.status]).to.deep.equal([404, 404]);
      expect(refused.body).to.deep.equal(unknown.body);
    });

    it('a kicked member or one who left no longer finds the chat\'s old messages', async () => {
      const [owner, kicked, leaver] = [await newUser(), await newUser(), await newUser()];
      const group = await createGroup(api.http, owner, [kicked, leaver]);
      const secret = word();
      await send(owner, group.chat_id, `${secret} before the kick`);
      expect(await found(kicked, { q: secret })).to.have.length(1);
      expect(await found(leaver, { q: secret })).to.have.length(1);
      expect((await api.http.delete(`/group/${group.id}/members/${kicked.uid}`, { token: owner.token })).status).to.equal(204);
      expect((await api.http.delete(`/group/${group.id}/members/${leaver.uid}`, { token: leaver.token })).status).to.equal(204);
      for (const gone of [kicked, leaver]) {
        expect(await found(gone, { q: secret })).to.deep.equal([]);
        expect((await search(gone, { q: secret, chat_id: group.chat_id })).status).to.equal(404);
      }
      expect(await found(owner, { q: secret })).to.have.length(1);
    });

    it('never finds a recalled message', async () => {
      const [a, b] = [await newUser(), await newUser()];
      const chatId = await befriend(api.http, a, b);
      const secret = word();
      const sent = await send(a, chatId, `${secret} oops wrong chat`);
      expect(await found(b, { q: secret })).to.have.length(1);
      const recalled = await api.http.post('/chats/message/recall', { token: a.token, json: { msg_id: sent.id } });
      expect(recalled.status, JSON.stringify(recalled.body)).to.equal(200);
      for (const who of [a, b]) {
        expect(await found(who, { q: secret })).to.deep.equal([]);
        expect(await found(who, { q: 'oops' , chat_id: chatId })).to.deep.equal([]);
      }
    });

    it('leaves out messages of people the caller blocks, in direct chats and groups, as history does', async () => {
      const [blocker, blocked, other] = [await newUser(), await newUser(), await newUser()];
      const dm = await befriend(api.http, blocker, blocked);
      const group = await createGroup(api.http, other, [blocker, blocked]);
      const secret = word();
      await send(blocked, dm, `${secret} from blocked in dm`);
      await send(blocked, group.chat_id, `${secret} from blocked in group`);
      await send(blocker, dm, `${secret} from blocker in dm`);
      await send(other, group.chat_id, `${secret} from other in group`);
      expect(await found(blocker, { q: secret })).to.have.length(4);
      expect((await api.http.post('/friend/block', { token: blocker.token, json: { target_user_id: blocked.uid } })).status).to.equal(201);
      expect((await found(blocker, { q: secret })).sort()).to.deep.equal([`${secret} from blocker in dm`, `${secret} from other in group`]);
      const history = await api.http.get(`/chats/${dm}/messages`, { token: blocker.token });
      expect(history.body.messages.map((m: { message: string }) => m.message)).to.deep.equal([`${secret} from blocker in dm`]);
      // Blocks are one-way for what one reads: the blocked person still reads the chat's history.
      expect(await found(blocked, { q: secret })).to.have.length(4);
    });
  });

  describe('query syntax', () => {
    let user: TestUser;
    before(async () => {
      user = await newUser();
    });

    it('answers 400 invalid_query for a query it cannot read', async () => {
      for (const q of ['"unclosed phrase', 'ab"cd', '"closed"tail', '-only -excluded', ':) ---', '-"only a phrase"']) {
        const res = await search(user, { q });
        expect(res.status, q).to.equal(400);
        expect(res.body.error.code, q).to.equal('invalid_query');
        expect(res.body.error.details, q).to.deep.equal([{ field: 'q', message: res.body.error.details[0].message }]);
      }
    });

    it('answers 400 invalid_input for bad parameters', async () => {
      const queries: Record<string, string | number>[] = [{ q: '' }, { q: '   ' }, { q: 'x'.repeat(201) }, { q: 'a', limit: 0 }, { q: 'a', limit: 51 }, { q: 'a', order: 'best' }, { q: 'a', cursor: 'nope' },
        { q: 'a', cursor: 'r0.5_12' }, { q: 'a', order: 'rank', cursor: 't12' }, { q: 'a', cursor: 't99999999999999999999' }, { q: 'a', chat_id: 'search' }, { q: 'a', from_uid: 'bob' }];
      for (const query of queries) {
        const res = await search(user, query);
        expect(res.status, JSON.stringify(query)).to.equal(400);
        expect(res.body.error.code, JSON.stringify(query)).to.equal('invalid_input');
      }
      expect((await api.http.get('/chats/search?q=a')).status).to.equal(401);
    });

    it('never answers 5xx, whatever the query text (fuzzed)', async () => {
      const alphabet = fc.constantFrom('a', 'Z', 'é', '北', 'タ', '한', '"', '-', ' ', "'", '\\', '%', '_', ':', '*', '&', '|', '!', '(', ')', '<', '>', '\t', '0', '💥', '\u0301');
      await fc.assert(
        fc.asyncProperty(fc.string({ unit: alphabet, minLength: 1, maxLength: 40 }), fc.constantFrom('time', 'rank'), async (q, order) => {
          const res = await search(user, { q, order });
          expect(res.status, JSON.stringify(q)).to.be.oneOf([200, 400]);
          if (res.status === 400) expect(res.body.error.code).to.be.oneOf(['invalid_query', 'invalid_input']);
        }),
        { numRuns: 300, seed: 20261130 },
      );
    });
  });
});
