import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('sessions', (t) => {
    t.specificType('uid', 'char(32)').notNullable().references('uid').inTable('users').onDelete('CASCADE');
    t.specificType('client_key', 'char(16)').notNullable();
    t.string('client_type', 6).notNullable();
    t.binary('refresh_hash').notNullable();
    t.bigInteger('issued_at').notNullable();
    // The token a refresh replaced stays valid until previous_valid_until, so a client racing its
    // own refresh is not logged out.
    t.binary('previous_refresh_hash').nullable();
    t.bigInteger('previous_issued_at').nullable();
    t.timestamp('previous_valid_until', { useTz: true }).nullable();
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.string('user_agent', 200).nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('refreshed_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['uid', 'client_key']);
  });
  await knex.raw(`alter table sessions add constraint sessions_client_type_check check (client_type in ('web', 'mobile'))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('sessions');
}
