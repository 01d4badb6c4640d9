import type { z } from 'zod';
import type { AuthContext } from '../../shared/auth/authenticate.ts';
import { searchMessages, wordQueries } from '../../shared/db/repositories/message-search.repository.ts';
import { reactionsFor, toMessageView } from '../../shared/db/repositories/messages.repository.ts';
import { badRequest, notFound } from '../../shared/errors.ts';
import type { ApiDeps } from '../deps.ts';
import { findHighlights, parseSearchQuery, SearchSyntaxError, substringPattern, type SearchTerm } from './search-query.ts';
import type { SearchQuery } from './search.schema.ts';

type SearchInput = z.infer<typeof SearchQuery>;

/**
 * Searches the messages the caller may read now (the rule of history reads: member of the chat,
 * not recalled, not from someone they block). A `chat_id` they cannot read answers 404, as every
 * other chat route does for it.
 */
export async function searchChats(deps: ApiDeps, caller: AuthContext, input: SearchInput) {
  const terms = parse(input.q);
  if (input.chat_id !== undefined && !(await deps.userState.canSeeChat(caller.uid, input.chat_id))) throw notFound('Chat');
  const cursor = input.cursor === undefined ? undefined : readCursor(input.cursor, input.order);

  // A lag-tolerant read: the replica when there is one (read-your-writes: shared/db/read-routing.ts).
  const db = await deps.reads.readDb(caller.uid);
  const words = terms.filter((t) => t.mode === 'words');
  const lexemes = await wordQueries(db, words.map((t) => t.text));
  const asQuery = (term: SearchTerm, index: number) => {
    const q = lexemes[index] ?? '';
    return q === '' ? '' : `( ${q}${term.prefix ? ':*' : ''} )`;
  };
  const positives = words.map((t, i) => (t.exclude ? '' : asQuery(t, i))).filter(Boolean);
  const negatives = words.map((t, i) => (t.exclude ? asQuery(t, i) : '')).filter(Boolean);
  // A term PostgreSQL finds no word in matches nothing.
  if (words.some((t, i) => !t.exclude && asQuery(t, i) === '')) return { results: [], next_cursor: null };

  const rows = await searchMessages(db, {
    viewerUid: caller.uid,
    chatId: input.chat_id,
    fromUid: input.from_uid,
    beforeId: input.before,
    // Exclusions stay out of the indexed match: the index then never reads an excluded (often common) word.
    wordsMatch: positives.length === 0 ? null : positives.join(' & '),
    wordsExclude: negatives.length === 0 ? null : negatives.join(' | '),
    substrings: terms.filter((t) => t.mode === 'substring' && !t.exclude).map(substringMatch),
    excludedSubstrings: terms.filter((t) => t.mode === 'substring' && t.exclude).map(substringMatch),
    order: input.order,
    after: cursor,
    limit: input.limit + 1,
  });
  const page = rows.slice(0, input.limit);
  const reactions = await reactionsFor(db, page);
  const last = page[page.length - 1];
  return {
    results: page.map((row) => ({ message: toMessageView(row, reactions.get(row.id) ?? []), highlights: findHighlights(row.message, terms) })),
    next_cursor: rows.length > input.limit && last ? writeCursor(input.order, last) : null,
  };
}

function substringMatch(term: SearchTerm) {
  return { pattern: substringPattern(term.text), ignoreCase: term.text.toLowerCase() !== term.text.toUpperCase() };
}

function parse(q: string): SearchTerm[] {
  try {
    return parseSearchQuery(q);
  } catch (err) {
    if (err instanceof SearchSyntaxError) throw badRequest('invalid_query', `The search query cannot be read: ${err.message}`, [{ field: 'q', message: err.message }]);
    throw err;
  }
}

function writeCursor(order: SearchInput['order'], row: { id: string; rank: number }): string {
  return order === 'time' ? `t${row.id}` : `r${row.rank}_${row.id}`;
}

function readCursor(cursor: string, order: SearchInput['order']): { id: string; rank: number } {
  const wrongOrder = () => badRequest('invalid_input', 'The request has invalid fields', [{ field: 'cursor', message: `not a cursor of order=${order}` }]);
  if (order === 'time') {
    if (!cursor.startsWith('t')) throw wrongOrder();
    return { id: cursor.slice(1), rank: 0 };
  }
  if (!cursor.startsWith('r')) throw wrongOrder();
  const [rank = '0', id = '0'] = cursor.slice(1).split('_');
  return { id, rank: Number(rank) };
}
