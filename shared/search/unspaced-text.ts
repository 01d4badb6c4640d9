/**
 * Scripts written without spaces between words — Han (Chinese, Japanese kanji), kana, Hangul, Thai,
 * Lao, Khmer, Myanmar, Tibetan — as code point ranges. Search matches terms holding one of these
 * characters as substrings, through a trigram index kept only for messages that hold one
 * (migration 20261130100000 writes these ranges into the index's predicate; a change here needs a
 * new migration, and test/integration/message-search.test.ts checks the two agree).
 */
export const UNSPACED_RANGES: readonly (readonly [number, number])[] = [
  [0x0e00, 0x0eff], // Thai, Lao
  [0x0f00, 0x0fff], // Tibetan
  [0x1000, 0x109f], // Myanmar
  [0x1100, 0x11ff], // Hangul Jamo
  [0x1780, 0x17ff], // Khmer
  [0x2e80, 0x2fdf], // CJK and Kangxi radicals
  [0x3005, 0x3007], // 々 〆 〇
  [0x3040, 0x30ff], // Hiragana, Katakana
  [0x3130, 0x318f], // Hangul compatibility Jamo
  [0x31f0, 0x31ff], // Katakana extensions
  [0x3400, 0x4dbf], // CJK extension A
  [0x4e00, 0x9fff], // CJK unified ideographs
  [0xac00, 0xd7af], // Hangul syllables
  [0xf900, 0xfaff], // CJK compatibility ideographs
  [0xff66, 0xff9f], // half-width Katakana
  [0x20000, 0x3134f], // CJK extensions B–G and compatibility supplement
];

const hex = (cp: number) => cp.toString(16).padStart(4, '0');

/** Whether a text holds a character of an unspaced script. */
export const UNSPACED_CHAR = new RegExp(`[${UNSPACED_RANGES.map(([a, b]) => `\\u{${hex(a)}}-\\u{${hex(b)}}`).join('')}]`, 'u');

/** The same class as a PostgreSQL regular expression (`message ~ '…'`). */
export const UNSPACED_SQL_CLASS = `[${UNSPACED_RANGES.map(([a, b]) => `${pgEscape(a)}-${pgEscape(b)}`).join('')}]`;

function pgEscape(cp: number): string {
  return cp > 0xffff ? `\\U${cp.toString(16).padStart(8, '0')}` : `\\u${hex(cp)}`;
}
