import type { Knex } from 'knex';
import type { Db } from '../knex.ts';
import type { MessageRow } from './messages.repository.ts';

/**
 * Message search over the indexes of migration 20261130100000: the expressions and the predicate
 * below repeat the indexes' exactly, so PostgreSQL can use them.
 */
const WORDS_VECTOR = `to_tsvector('simple'::regconfig, m.message)`;
const SEARCHABLE = `m.recalled_at is null and m.message_type in ('text', 'reminder')`;

/** One term as full-text lexemes: the query text PostgreSQL's own parser makes of each phrase (empty when it finds no word). */
export async function wordQueries(db: Db, phrases: readonly string[]): Promise<string[]> {
  if (phrases.length === 0) return [];
  const { rows } = await db.raw<{ rows: { q: string }[] }>(
    `select phraseto_tsquery('simple'::regconfig, t)::text as q from unnest(?::text[]) with ordinality as x(t, i) order by i`,
    [[...phrases]],
  );
  return rows.map((r) => r.q);
}

export interface MessageSearch {
  viewerUid: string;
  chatId?: string | undefined;
  fromUid?: string | undefined;
  /** Only messages older than this message id. */
  beforeId?: string | undefined;
  /** A tsquery (text form) every result must match; null for none. */
  wordsMatch: string | null;
  /** A tsquery no result may match (used when there is no `wordsMatch` to carry the exclusions). */
  wordsExclude: string | null;
  /** ILIKE patterns every result must match, and ones none may. */
  substrings: readonly string[];
  excludedSubstrings: readonly string[];
  order: 'time' | 'rank';
  /** Keyset of the last result of the previous page. */
  after?: { id: string; rank: number } | undefined;
  limit: number;
}

export type SearchRow = MessageRow & { rank: number };

/**
 * Messages `viewerUid` may read now that match: in chats they are a member of, not recalled, not
 * sent by someone they block (the rule of history reads). Newest first, or by rank then newest.
 */
export async function searchMessages(db: Db, search: MessageSearch): Promise<SearchRow[]> {
  const where: string[] = [SEARCHABLE, 'm.chat_id in (select chat_id from chat_members where uid = ?)', 'm.sender_uid not in (select blocked_uid from blocks where blocker_uid = ?)'];
  const bindings: Knex.RawBinding[] = [search.viewerUid, search.viewerUid];
  const add = (clause: string, ...values: Knex.RawBinding[]) => {
    where.push(clause);
    bindings.push(...values);
  };
  if (search.chatId !== undefined) add('m.chat_id = ?', search.chatId);
  if (search.fromUid !== undefined) add('m.sender_uid = ?', search.fromUid);
  if (search.beforeId !== undefined) add('m.id < ?', search.beforeId);
  if (search.wordsMatch !== null) add(`${WORDS_VECTOR} @@ ?::tsquery`, search.wordsMatch);
  if (search.wordsExclude !== null) add(`not (${WORDS_VECTOR} @@ ?::tsquery)`, search.wordsExclude);
  for (const pattern of search.substrings) add(`m.message ilike ? escape '\\'`, pattern);
  for (const pattern of search.excludedSubstrings) add(`not (m.message ilike ? escape '\\')`, pattern);

  const rankBindings: Knex.RawBinding[] = [];
  let rank = '0::real';
  if (search.order === 'rank' && search.wordsMatch !== null) {
    rank = `ts_rank(${WORDS_VECTOR}, ?::tsquery)`;
    rankBindings.push(search.wordsMatch);
  }
  const inner = `select m.*, ${rank} as rank from messages m where ${where.join(' and ')}`;
  const innerBindings = [...rankBindings, ...bindings];

  if (search.order === 'time') {
    const after = search.after ? ' and m.id < ?' : '';
    const { rows } = await db.raw<{ rows: SearchRow[] }>(`${inner}${after} order by m.id desc limit ?`, [...innerBindings, ...(search.after ? [search.after.id] : []), search.limit]);
    return rows;
  }
  const after = search.after ? 'where (s.rank, s.id) < (?::real, ?::bigint)' : '';
  const { rows } = await db.raw<{ rows: SearchRow[] }>(
    `select * from (${inner}) s ${after} order by s.rank desc, s.id desc limit ?`,
    [...innerBindings, ...(search.after ? [search.after.rank, search.after.id] : []), search.limit],
  );
  return rows;
}
