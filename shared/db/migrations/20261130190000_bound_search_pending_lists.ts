import type { Knex } from 'knex';

/**
 * The GIN search indexes (words, and the trigrams of CJK text) keep new messages' entries in a
 * pending list, unsorted, until a vacuum or the list's size limit (`gin_pending_list_limit`, 4 MB by
 * default) moves them into the index; every search reads each partition's list whole. At the default
 * a list grows to thousands of messages between autovacuums of an insert-only partition, and a word's
 * scan of it took about three times as long as of the index. 64 kB (PostgreSQL's least) bounds each
 * list to a few hundred messages; the insert that fills a list moves it into the index (that cost,
 * averaged over sends: docs/benchmarks.md, "Pending lists bounded", 2026-11-30T18:50Z).
 *
 * PostgreSQL sets storage parameters on each partition's index only (not on a partitioned index).
 */
const PENDING_LIST_KB = 64;

async function partitionIndexes(knex: Knex): Promise<string[]> {
  const { rows } = await knex.raw<{ rows: { name: string }[] }>(
    `select i.inhrelid::regclass::text as name
       from pg_index p join pg_inherits i on i.inhparent = p.indexrelid
       join pg_class c on c.oid = i.inhrelid join pg_am a on a.oid = c.relam
      where p.indrelid = 'messages'::regclass and p.indexrelid::regclass::text like 'messages\\_search\\_%' and a.amname = 'gin'
      order by 1`,
  );
  return rows.map((r) => r.name);
}

export async function up(knex: Knex): Promise<void> {
  for (const name of await partitionIndexes(knex)) await knex.raw(`alter index ${name} set (gin_pending_list_limit = ${PENDING_LIST_KB})`);
}

export async function down(knex: Knex): Promise<void> {
  for (const name of await partitionIndexes(knex)) await knex.raw(`alter index ${name} reset (gin_pending_list_limit)`);
}
