import type { Knex } from 'knex';

// Who may download a file is decided by the messages carrying its fid: find them by fid.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`create index messages_file_fid on messages ((file->>'fid')) where file is not null`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index messages_file_fid');
}
