/**
 * How a word search finds its candidates, chosen per query from the number of messages in the
 * caller's chats (`chatMessages`, from the chats' sequence counters):
 *
 *  - `chats`: read the caller's messages in those chats (the (chat_id, seq) index) and test each one's
 *    stored words. Cost grows with the chats' size only: the way for one chat, or a few small ones,
 *    whatever the words (a common word's index entries run to tens of thousands of messages).
 *  - `both`: over each partition of messages, the caller's chats in it, with every condition at once:
 *    PostgreSQL intersects the chat and word indexes, reads the word index alone, or walks the newest
 *    messages by id, per partition, from its own estimates (right ones: each partition is planned for
 *    the chats it holds). The way over many chats, whatever the words.
 *  - `words`: read the word index alone over every partition, then keep the messages in the caller's
 *    chats. Not chosen any more (`both` reads the word index alone where that is cheaper, and an
 *    estimate of the word's matches to decide between them cost a plan over every partition, more
 *    than it saved); kept for the tests that check every path answers the same rows.
 */
export type SearchPath = 'chats' | 'words' | 'both';

/**
 * Up to this many messages in the caller's chats the repository reads them all: a few milliseconds
 * at most, whatever the words.
 */
export const CHATS_PATH_ALWAYS_MAX = 500;

export function chooseSearchPath(sizes: { chatMessages: number }): SearchPath {
  return sizes.chatMessages <= CHATS_PATH_ALWAYS_MAX ? 'chats' : 'both';
}
