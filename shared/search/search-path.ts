/**
 * How a word search finds its candidates, chosen per query from two sizes: the messages in the
 * caller's chats (`chatMessages`, from the chats' sequence counters) and the messages anywhere that
 * hold the words (`wordMatches`, PostgreSQL's estimate from the word index's statistics of one
 * partition of messages, times their number: planning one partition costs a sixteenth of all).
 *
 *  - `chats`: read the caller's messages in those chats (the (chat_id, seq) index) and test each one's
 *    stored words. Cost grows with the chats' size only: the way for one chat, or a few small ones,
 *    whatever the words (a common word's index entries run to tens of thousands of messages).
 *  - `words`: read the word index alone, then keep the messages in the caller's chats. Cost grows
 *    with the word's matches only: the way for a rare word over many chats.
 *  - `both`: over each partition of messages, the caller's chats in it, with every condition at once:
 *    PostgreSQL intersects the two indexes or walks the newest messages by id, per partition, from
 *    its own estimates (right ones: each partition is planned for the chats it holds). Large chats
 *    and a word neither rare nor rare in them.
 *
 * The weights are microseconds per row measured on the development machine (a table larger than
 * PostgreSQL's buffers): reading a message row ≈ 12, one index entry of a word ≈ 0.7, one message
 * entry of the chat index ≈ 0.3. Only their ratios matter. Every path returns the same rows.
 */
export type SearchPath = 'chats' | 'words' | 'both';

const ROW_US = 12;
const WORD_ENTRY_US = 0.7;
const CHAT_ENTRY_US = 0.3;

/**
 * Up to this many messages in the caller's chats the repository takes `chats` without asking for an
 * estimate: reading them costs a few milliseconds at most, about what the estimate could save.
 */
export const CHATS_PATH_ALWAYS_MAX = 500;

export function chooseSearchPath(sizes: { chatMessages: number; wordMatches: number }): SearchPath {
  const { chatMessages, wordMatches } = sizes;
  const costs: [SearchPath, number][] = [
    ['chats', chatMessages * ROW_US],
    ['words', wordMatches * (WORD_ENTRY_US + ROW_US)],
    ['both', chatMessages * CHAT_ENTRY_US + wordMatches * WORD_ENTRY_US],
  ];
  return costs.reduce((best, next) => (next[1] < best[1] ? next : best))[0];
}
