import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('files', (t) => {
    t.string('fid', 69).primary();
    // No cascade: a user's files are storage objects too, and removing them is a deliberate job.
    t.specificType('owner_uid', 'char(32)').notNullable().references('uid').inTable('users');
    t.string('name', 255).notNullable();
    t.bigInteger('size').notNullable();
    t.string('mime', 100).notNullable();
    t.specificType('sha256', 'char(64)').notNullable();
    t.string('storage_key', 200).notNullable().unique();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['owner_uid', 'created_at']);
  });
  await knex.raw('alter table files add constraint files_size_check check (size >= 0)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('files');
}
