import type { Knex } from 'knex';

/**
 * Message search over the text people can search: text and reminder messages that are not recalled.
 *  - Words (space-separated languages): `search_words`, a stored generated column of
 *    `to_tsvector('simple', message)`, and a GIN index on it. Stored, so a search reads each
 *    candidate's words instead of parsing its text again (rank, phrases, common words).
 *  - Substrings (Chinese, Japanese, Korean, Thai and other text without spaces): a GIN trigram index
 *    (pg_trgm) for terms of three characters or more, and a (chat_id, id) index for shorter ones.
 *    Both are kept only for messages holding a character of such a script
 *    (shared/search/unspaced-text.ts), the only ones a substring term can match, so other messages
 *    do not pay for them on insert.
 * A generated column and indexes on `message` follow every insert, edit and recall in its own
 * transaction: no write path has anything to do. The query side repeats the predicates exactly
 * (shared/db/repositories/message-search.repository.ts).
 *
 * The indexes are built CONCURRENTLY (outside a transaction). Adding the column rewrites the table
 * once (sends wait meanwhile: about a minute per million messages on a small machine).
 */
export const config = { transaction: false };

const searchable = `recalled_at is null and message_type in ('text', 'reminder')`;
// UNSPACED_SQL_CLASS of shared/search/unspaced-text.ts as it was when these indexes were made.
const unspaced = String.raw`[\u0e00-\u0eff\u0f00-\u0fff\u1000-\u109f\u1100-\u11ff\u1780-\u17ff\u2e80-\u2fdf\u3005-\u3007\u3040-\u30ff\u3130-\u318f\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003134f]`;

export async function up(knex: Knex): Promise<void> {
  await knex.raw('create extension if not exists pg_trgm');
  await knex.raw(`alter table messages add column if not exists search_words tsvector
    generated always as (to_tsvector('simple'::regconfig, message)) stored`);
  await knex.raw(`create index concurrently if not exists messages_search_words on messages
    using gin (search_words) where ${searchable}`);
  await knex.raw(`create index concurrently if not exists messages_search_text on messages
    using gin (message gin_trgm_ops) where ${searchable} and message ~ '${unspaced}'`);
  await knex.raw(`create index concurrently if not exists messages_search_unspaced on messages
    (chat_id, id) where ${searchable} and message ~ '${unspaced}'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index concurrently if exists messages_search_unspaced');
  await knex.raw('drop index concurrently if exists messages_search_text');
  await knex.raw('drop index concurrently if exists messages_search_words');
  await knex.raw('alter table messages drop column if exists search_words');
  await knex.raw('drop extension if exists pg_trgm');
}
