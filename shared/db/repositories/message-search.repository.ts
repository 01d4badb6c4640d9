import type { Knex } from 'knex';
import { chooseSearchPath, CHATS_PATH_ALWAYS_MAX, type SearchPath } from '../../search/search-path.ts';
import { UNSPACED_SQL_CLASS } from '../../search/unspaced-text.ts';
import type { Db } from '../knex.ts';
import type { MessageRow } from './messages.repository.ts';

/**
 * Message search over the column and indexes of migration 20261130100000: the predicates below
 * repeat the indexes' exactly, so PostgreSQL can use them.
 */
const SEARCHABLE = `m.recalled_at is null and m.message_type in ('text', 'reminder')`;
/** The substring indexes' own predicate: implied by any substring term (they hold such a character). */
const UNSPACED = `m.message ~ '${UNSPACED_SQL_CLASS}'`;
/**
 * Rank order ranks the newest this many matches (ranking every match of a common word costs too
 * much). Small enough that PostgreSQL walks each partition's newest messages by id for a common word
 * and stops once the merge has this many (at 1,000 it collected every match of the word in the
 * caller's chats instead, 16 index intersections: 2–3 times slower over 200 chats).
 */
export const RANKED_MATCHES_MAX = 200;

/** Each phrase as full-text query text, split into words by PostgreSQL's own parser (empty when it finds none). */
export async function wordQueries(db: Db, phrases: readonly string[]): Promise<string[]> {
  if (phrases.length === 0) return [];
  const { rows } = await db.raw<{ rows: { q: string }[] }>(
    `select phraseto_tsquery('simple'::regconfig, t)::text as q from unnest(?::text[]) with ordinality as x(t, i) order by i`,
    [[...phrases]],
  );
  return rows.map((r) => r.q);
}

export interface SubstringMatch {
  /** An ILIKE / LIKE pattern. */
  pattern: string;
  /** The term has letters with case: compare ignoring it (ILIKE); else LIKE, which costs less. */
  ignoreCase: boolean;
}

export interface MessageSearch {
  viewerUid: string;
  chatId?: string | undefined;
  fromUid?: string | undefined;
  /** Only messages older than this message id. */
  beforeId?: string | undefined;
  /** A tsquery (text form) every result must match; null for none. */
  wordsMatch: string | null;
  /** A tsquery no result may match. */
  wordsExclude: string | null;
  /** Substrings every result holds, and ones none may. */
  substrings: readonly SubstringMatch[];
  excludedSubstrings: readonly SubstringMatch[];
  order: 'time' | 'rank';
  /** Keyset of the last result of the previous page. */
  after?: { id: string; rank: number } | undefined;
  limit: number;
  /** How word searches find their candidates; chosen from the sizes when not given (tests give each one to compare them). */
  path?: SearchPath | undefined;
}

export type SearchRow = MessageRow & { rank: number };

/** A condition and its bindings, in the order they appear in it. */
interface Clause {
  sql: string;
  bindings: Knex.RawBinding[];
}
const clause = (sql: string, ...bindings: Knex.RawBinding[]): Clause => ({ sql, bindings });
const and = (clauses: readonly Clause[]): Clause => ({ sql: clauses.map((c) => c.sql).join(' and '), bindings: clauses.flatMap((c) => c.bindings) });

/**
 * Messages `viewerUid` may read now that match: in chats they are a member of, not recalled, not
 * sent by someone they block (the rule of history reads). Newest first, or by rank then newest
 * among the newest RANKED_MATCHES_MAX matches (rank order without word terms is time order).
 * Word searches take the path of shared/search/search-path.ts; all paths apply the same conditions.
 */
export async function searchMessages(db: Db, search: MessageSearch): Promise<SearchRow[]> {
  const chats = await searchableChats(db, search.viewerUid, search.chatId);
  if (chats.length === 0) return [];
  const like = (s: SubstringMatch) => `m.message ${s.ignoreCase ? 'ilike' : 'like'} ? escape '\\'`;
  // The messages the caller may read, narrowed by every condition but the chats, the words (and SEARCHABLE).
  const scope: Clause[] = [clause('m.sender_uid not in (select blocked_uid from blocks where blocker_uid = ?)', search.viewerUid)];
  if (search.fromUid !== undefined) scope.push(clause('m.sender_uid = ?', search.fromUid));
  if (search.beforeId !== undefined) scope.push(clause('m.id < ?', search.beforeId));
  const timeOrder = search.order === 'time' || search.wordsMatch === null;
  if (timeOrder && search.after) scope.push(clause('m.id < ?', search.after.id));
  if (search.substrings.length > 0) scope.push(clause(UNSPACED));
  for (const s of search.substrings) scope.push(clause(like(s), s.pattern));
  for (const s of search.excludedSubstrings) scope.push(clause(`not (${like(s)})`, s.pattern));
  const exclude = search.wordsExclude === null ? [] : [clause('not (m.search_words @@ ?::tsquery)', search.wordsExclude)];
  const inChats = (ids: readonly string[]) => clause('m.chat_id = any(?::bigint[])', [...ids]);
  // The newest `limit` rows of `branch` over each partition of messages, over the caller's chats in
  // it: PostgreSQL plans each branch for its one partition, sizes the chats' rows in it right (given
  // every chat at once, each partition is planned as if it held them all: sixteen times too many
  // rows), and picks per branch between walking it by id and collecting its matches.
  const perPartition = (limit: number, branch: (chatsIn: Clause) => Clause): Clause => {
    const branches = [...groupByPartition(chats).values()].map((ids) => branch(inChats(ids)));
    return {
      sql: `(${branches.map((b) => `(${b.sql} order by m.id desc limit ?)`).join(' union all ')}) m`,
      bindings: branches.flatMap((b) => [...b.bindings, limit]),
    };
  };
  // Rows come with `search_words` too (a page of them: cheap); the message object is built field by field.

  if (search.wordsMatch === null) {
    const from = perPartition(search.limit, (chatsIn) => {
      const where = and([clause(SEARCHABLE), chatsIn, ...scope, ...exclude]);
      return { sql: `select m.* from messages m where ${where.sql}`, bindings: where.bindings };
    });
    const { rows } = await db.raw<{ rows: MessageRow[] }>(`select m.* from ${from.sql} order by m.id desc limit ?`, [...from.bindings, search.limit]);
    return rows.map((row) => ({ ...row, rank: 0 }));
  }
  const match = clause('m.search_words @@ ?::tsquery', search.wordsMatch);
  const chatMessages = chats.reduce((sum, c) => sum + Number(c.last_seq), 0);
  const pageSize = timeOrder ? search.limit : RANKED_MATCHES_MAX;
  const path =
    search.path ?? (chatMessages <= CHATS_PATH_ALWAYS_MAX ? 'chats' : chooseSearchPath({ chatMessages, wordMatches: await estimateWordMatches(db, search.wordsMatch, chats[0]) }));
  // `offset 0` keeps PostgreSQL from merging the inner query into the outer one: the inner one is
  // what the chosen index serves.
  const matches = (() => {
    if (path === 'chats') {
      return perPartition(pageSize, (chatsIn) => {
        const inner = and([clause(SEARCHABLE), chatsIn, ...scope]);
        const outer = and([match, ...exclude]);
        return { sql: `select m.* from (select m.* from messages m where ${inner.sql} offset 0) m where ${outer.sql}`, bindings: [...inner.bindings, ...outer.bindings] };
      });
    }
    if (path === 'words') {
      const inner = and([clause(SEARCHABLE), match]);
      const outer = and([inChats(chats.map((c) => c.chat_id)), ...scope, ...exclude]);
      return { sql: `(select m.* from messages m where ${inner.sql} offset 0) m where ${outer.sql}`, bindings: [...inner.bindings, ...outer.bindings] };
    }
    return perPartition(pageSize, (chatsIn) => {
      const where = and([clause(SEARCHABLE), chatsIn, ...scope, match, ...exclude]);
      return { sql: `select m.* from messages m where ${where.sql}`, bindings: where.bindings };
    });
  })();

  if (timeOrder) {
    const { rows } = await db.raw<{ rows: MessageRow[] }>(`select m.* from ${matches.sql} order by m.id desc limit ?`, [...matches.bindings, search.limit]);
    return rows.map((row) => ({ ...row, rank: 0 }));
  }
  const after = search.after ? 'where (s.rank, s.id) < (?::real, ?::bigint)' : '';
  const { rows } = await db.raw<{ rows: SearchRow[] }>(
    `select * from (
       select n.*, ts_rank(n.search_words, ?::tsquery) as rank
         from (select m.* from ${matches.sql} order by m.id desc limit ${RANKED_MATCHES_MAX}) n
     ) s ${after} order by s.rank desc, s.id desc limit ?`,
    [search.wordsMatch, ...matches.bindings, ...(search.after ? [search.after.rank, search.after.id] : []), search.limit],
  );
  return rows;
}

/**
 * The chats the caller searches (all theirs, or the one asked for when theirs) with their message
 * counts and the hash partition of messages that holds each (null when messages is not hash-partitioned).
 */
async function searchableChats(db: Db, uid: string, chatId: string | undefined): Promise<SearchableChat[]> {
  const { rows } = await db.raw<{ rows: SearchableChat[] }>(
    `select cm.chat_id, c.last_seq,
            (select r from generate_series(0, p.n - 1) r where satisfies_hash_partition('messages'::regclass, p.n, r, cm.chat_id)) as partition,
            p.n as partitions, p.sample
       from (select count(*)::int as n, min(i.inhrelid::regclass::text) as sample
               from pg_inherits i join pg_partitioned_table t on t.partrelid = i.inhparent and t.partstrat = 'h'
              where i.inhparent = 'messages'::regclass) p,
            chat_members cm join chats c on c.id = cm.chat_id
      where cm.uid = ?${chatId === undefined ? '' : ' and cm.chat_id = ?'}`,
    chatId === undefined ? [uid] : [uid, chatId],
  );
  return rows;
}

interface SearchableChat {
  chat_id: string;
  last_seq: string;
  partition: number | null;
  /** How many hash partitions messages has (0: not hash-partitioned), and the name of one of them. */
  partitions: number;
  sample: string | null;
}

function groupByPartition(chats: readonly SearchableChat[]): Map<number | null, string[]> {
  const groups = new Map<number | null, string[]>();
  for (const c of chats) {
    const group = groups.get(c.partition);
    if (group) group.push(c.chat_id);
    else groups.set(c.partition, [c.chat_id]);
  }
  return groups;
}

/**
 * How many searchable messages hold the words, as PostgreSQL estimates it from the word index's
 * statistics (no rows read): of one partition of messages times their number (hash partitions are
 * alike in size), as planning every partition costs as much again as the search's own plan.
 */
async function estimateWordMatches(db: Db, wordsMatch: string, layout: Pick<SearchableChat, 'partitions' | 'sample'> | undefined): Promise<number> {
  // `sample` is a table name as PostgreSQL quotes it (regclass text), from the catalog.
  const table = layout?.sample ?? 'messages';
  const { rows } = await db.raw<{ rows: { 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }[] }>(
    `explain (format json) select from ${table} m where ${SEARCHABLE} and m.search_words @@ ?::tsquery`,
    [wordsMatch],
  );
  const planRows = rows[0]?.['QUERY PLAN'][0].Plan['Plan Rows'];
  return planRows === undefined ? Number.POSITIVE_INFINITY : planRows * Math.max(1, layout?.sample ? layout.partitions : 1);
}
