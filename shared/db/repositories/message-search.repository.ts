import type { Knex } from 'knex';
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
/** Rank order ranks the newest this many matches (ranking every match of a common word costs too much). */
export const RANKED_MATCHES_MAX = 1000;

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
}

export type SearchRow = MessageRow & { rank: number };

/**
 * Messages `viewerUid` may read now that match: in chats they are a member of, not recalled, not
 * sent by someone they block (the rule of history reads). Newest first, or by rank then newest
 * among the newest RANKED_MATCHES_MAX matches (rank order without word terms is time order).
 */
export async function searchMessages(db: Db, search: MessageSearch): Promise<SearchRow[]> {
  // The chats as an array, not a subquery: the planner then knows how many messages they hold.
  const membership = search.chatId === undefined ? { uid: search.viewerUid } : { uid: search.viewerUid, chat_id: search.chatId };
  const chats = await db('chat_members').where(membership).pluck<string[]>('chat_id');
  if (chats.length === 0) return [];
  const where: string[] = [SEARCHABLE, 'm.chat_id = any(?::bigint[])', 'm.sender_uid not in (select blocked_uid from blocks where blocker_uid = ?)'];
  const bindings: Knex.RawBinding[] = [chats, search.viewerUid];
  const add = (clause: string, ...values: Knex.RawBinding[]) => {
    where.push(clause);
    bindings.push(...values);
  };
  const like = (s: SubstringMatch) => `m.message ${s.ignoreCase ? 'ilike' : 'like'} ? escape '\\'`;
  if (search.fromUid !== undefined) add('m.sender_uid = ?', search.fromUid);
  if (search.beforeId !== undefined) add('m.id < ?', search.beforeId);
  if (search.wordsMatch !== null) add('m.search_words @@ ?::tsquery', search.wordsMatch);
  if (search.wordsExclude !== null) add('not (m.search_words @@ ?::tsquery)', search.wordsExclude);
  if (search.substrings.length > 0) where.push(UNSPACED);
  for (const s of search.substrings) add(like(s), s.pattern);
  for (const s of search.excludedSubstrings) add(`not (${like(s)})`, s.pattern);
  // Rows come with `search_words` too (a page of them: cheap); the message object is built field by field.

  if (search.order === 'time' || search.wordsMatch === null) {
    const after = search.after ? ' and m.id < ?' : '';
    const { rows } = await db.raw<{ rows: MessageRow[] }>(
      `select m.* from messages m where ${where.join(' and ')}${after} order by m.id desc limit ?`,
      [...bindings, ...(search.after ? [search.after.id] : []), search.limit],
    );
    return rows.map((row) => ({ ...row, rank: 0 }));
  }
  const after = search.after ? 'where (s.rank, s.id) < (?::real, ?::bigint)' : '';
  const { rows } = await db.raw<{ rows: SearchRow[] }>(
    `select * from (
       select n.*, ts_rank(n.search_words, ?::tsquery) as rank
         from (select m.* from messages m where ${where.join(' and ')} order by m.id desc limit ${RANKED_MATCHES_MAX}) n
     ) s ${after} order by s.rank desc, s.id desc limit ?`,
    [search.wordsMatch, ...bindings, ...(search.after ? [search.after.rank, search.after.id] : []), search.limit],
  );
  return rows;
}
