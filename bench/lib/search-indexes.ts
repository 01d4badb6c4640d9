import type { Db } from '../../shared/db/knex.ts';

/**
 * Drops the search column and indexes (as migration 20261130100000 made them) for the load, and
 * answers the statements that build them again after (and set their partitions' storage parameters). Not CONCURRENTLY, as that migration
 * does: `messages` is partitioned now, and PostgreSQL builds a partitioned table's indexes in one go.
 */
export async function takeSearchOff(db: Db): Promise<string[]> {
  const { rows } = await db.raw<{ rows: { name: string; def: string }[] }>(
    `select indexrelid::regclass::text as name, pg_get_indexdef(indexrelid) as def from pg_index
      where indrelid = 'messages'::regclass and indexrelid::regclass::text like 'messages_search_%' order by 1`,
  );
  // The partitions' own storage parameters (migration 20261130190000), set again after the build.
  const { rows: options } = await db.raw<{ rows: { name: string; options: string }[] }>(
    `select i.inhrelid::regclass::text as name, array_to_string(c.reloptions, ', ') as options
       from pg_inherits i join pg_class c on c.oid = i.inhrelid
      where i.inhparent in (select indexrelid from pg_index where indrelid = 'messages'::regclass and indexrelid::regclass::text like 'messages_search_%')
        and c.reloptions is not null order by 1`,
  );
  for (const { name } of rows) await db.raw(`drop index ${name}`);
  await db.raw('alter table messages drop column search_words');
  return [...rows.map((r) => r.def.replace(/ ON ONLY /, ' ON ')), ...options.map((o) => `alter index ${o.name} set (${o.options})`)];
}

export async function putSearchBack(db: Db, indexes: readonly string[]): Promise<void> {
  await db.raw(`alter table messages add column search_words tsvector generated always as (to_tsvector('simple'::regconfig, message)) stored`);
  for (const def of indexes) await db.raw(def);
}
