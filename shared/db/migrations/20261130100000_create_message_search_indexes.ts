import type { Knex } from 'knex';

/**
 * Message search reads two indexes over the text of messages people can search (text and reminder
 * messages that are not recalled). Both are expression indexes on `message` itself, so every
 * insert, edit and recall keeps them current in its own transaction, with nothing to maintain:
 *  - words (space-separated languages): a GIN full-text index of `to_tsvector('simple', message)`;
 *  - substrings (CJK and other text without spaces): a GIN trigram index (pg_trgm).
 * The query side must repeat these expressions and the predicate exactly
 * (shared/db/repositories/message-search.repository.ts).
 *
 * Built CONCURRENTLY (outside a transaction) so adding them to a large table does not stop sends.
 */
export const config = { transaction: false };

const searchable = `recalled_at is null and message_type in ('text', 'reminder')`;

export async function up(knex: Knex): Promise<void> {
  await knex.raw('create extension if not exists pg_trgm');
  await knex.raw(`create index concurrently if not exists messages_search_words on messages
    using gin (to_tsvector('simple'::regconfig, message)) where ${searchable}`);
  await knex.raw(`create index concurrently if not exists messages_search_text on messages
    using gin (message gin_trgm_ops) where ${searchable}`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index concurrently if exists messages_search_text');
  await knex.raw('drop index concurrently if exists messages_search_words');
  await knex.raw('drop extension if exists pg_trgm');
}
