import { UNSPACED_CHAR } from '../../shared/search/unspaced-text.ts';

/**
 * The message search language: words, "quoted phrases" and -excluded terms, separated by spaces.
 *
 *  - A bare word matches that word, case-insensitive; one of three letters or more also matches words
 *    that start with it (`deploy` finds "deploy", "deployed"; `me` finds only "me").
 *  - A "quoted phrase" matches its words in that order, each a whole word.
 *  - A term written in a script without spaces between words (Chinese, Japanese, Korean, Thai, …)
 *    matches anywhere in the text (a substring), quoted or not.
 *  - `-term` or `-"a phrase"` leaves out the messages it matches.
 * A term without any letter or digit (`:)`, `--`) is ignored. The query needs at least one term
 * that is not excluded; a quote that is not closed, or that does not stand at a term's edges, is
 * refused. Pure: this file parses and finds highlights, the repository does the matching.
 */

export type TermMode = 'words' | 'substring';

export interface SearchTerm {
  /** The text as typed, without quotes or the leading `-`. */
  text: string;
  mode: TermMode;
  /** Quoted: whole words only. */
  phrase: boolean;
  /** The last word also matches longer words starting with it (bare terms whose last word has 3+ letters). */
  prefix: boolean;
  exclude: boolean;
}

export class SearchSyntaxError extends Error {}

export const MAX_TERMS = 12;
/** Shorter words match only themselves: a prefix of one or two letters is most of the vocabulary. */
export const PREFIX_MIN_CHARS = 3;

const WORD_CHAR = /[\p{L}\p{N}]/u;
const WORD_RUN = /[\p{L}\p{M}\p{N}]+/gu;

export function parseSearchQuery(query: string): SearchTerm[] {
  const terms: SearchTerm[] = [];
  let i = 0;
  const n = query.length;
  const isSpace = (ch: string | undefined) => ch !== undefined && /\s/u.test(ch);
  while (i < n) {
    if (isSpace(query[i])) {
      i += 1;
      continue;
    }
    let exclude = false;
    if (query[i] === '-' && i + 1 < n && !isSpace(query[i + 1])) {
      exclude = true;
      i += 1;
    }
    let text: string;
    let phrase = false;
    if (query[i] === '"') {
      const close = query.indexOf('"', i + 1);
      if (close === -1) throw new SearchSyntaxError('a quoted phrase is not closed');
      if (close + 1 < n && !isSpace(query[close + 1])) throw new SearchSyntaxError('a closing quote must end its term');
      text = query.slice(i + 1, close);
      phrase = true;
      i = close + 1;
    } else {
      const start = i;
      while (i < n && !isSpace(query[i])) i += 1;
      text = query.slice(start, i);
      if (text.includes('"')) throw new SearchSyntaxError('quotes go around a whole phrase: "like this"');
    }
    text = text.trim().replace(/\s+/gu, ' ');
    if (!WORD_CHAR.test(text)) continue;
    const mode: TermMode = UNSPACED_CHAR.test(text) ? 'substring' : 'words';
    const lastWord = text.match(WORD_RUN)?.at(-1) ?? '';
    terms.push({ text, mode, phrase, prefix: mode === 'words' && !phrase && [...lastWord].length >= PREFIX_MIN_CHARS, exclude });
    if (terms.length > MAX_TERMS) throw new SearchSyntaxError(`at most ${MAX_TERMS} terms`);
  }
  if (!terms.some((t) => !t.exclude)) throw new SearchSyntaxError('give at least one word to look for (not only -excluded ones)');
  return terms;
}

/** A `%…%` ILIKE pattern that matches `text` literally anywhere. */
export function substringPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}

export interface Highlight {
  /** Offsets in the message text, in UTF-16 code units (JavaScript string indexes): [start, end). */
  start: number;
  end: number;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const NOT_AFTER_WORD = '(?<![\\p{L}\\p{M}\\p{N}])';

/** Where the query's terms (not the excluded ones) appear in a message: sorted, merged ranges. */
export function findHighlights(message: string, terms: readonly SearchTerm[]): Highlight[] {
  const ranges: Highlight[] = [];
  const collect = (pattern: string) => {
    for (const m of message.matchAll(new RegExp(pattern, 'giu'))) {
      if (m[0].length > 0) ranges.push({ start: m.index, end: m.index + m[0].length });
    }
  };
  for (const term of terms) {
    if (term.exclude) continue;
    if (term.mode === 'substring') {
      collect(escapeRegExp(term.text));
      continue;
    }
    // The term's words in order with anything but letters and digits between them, like the
    // full-text match; a prefix term's last word may go on.
    const words = (term.text.match(WORD_RUN) ?? []).map(escapeRegExp);
    if (words.length === 0) continue;
    const tail = term.prefix ? '[\\p{L}\\p{M}\\p{N}]*' : '(?![\\p{L}\\p{M}\\p{N}])';
    collect(`${NOT_AFTER_WORD}${words.join('[^\\p{L}\\p{M}\\p{N}]+')}${tail}`);
  }
  ranges.sort((a, b) => a.start - b.start || a.end - b.end);
  const merged: Highlight[] = [];
  for (const range of ranges) {
    const last = merged[merged.length - 1];
    if (last && range.start <= last.end) last.end = Math.max(last.end, range.end);
    else merged.push({ ...range });
  }
  return merged;
}
