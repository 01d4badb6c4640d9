import type { Knex } from 'knex';

// The Web Push (VAPID) key pair made on first use when none is configured: one row, shared by every
// api and worker process wherever they run, so they all sign with the key browsers subscribed with.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('vapid_keys', (t) => {
    t.smallint('id').primary();
    t.string('public_key', 100).notNullable();
    t.string('private_key', 100).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw('alter table vapid_keys add constraint vapid_keys_one_row check (id = 1)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('vapid_keys');
}
