import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('users', (t) => {
    t.specificType('uid', 'char(32)').primary();
    t.string('username', 32).notNullable();
    t.text('password_hash').notNullable();
    t.specificType('secret_key', 'char(32)').notNullable();
    t.string('nickname', 64).notNullable();
    t.string('avatar_fid', 64).nullable();
    t.string('bio', 500).notNullable().defaultTo('');
    t.string('sr_link', 2048).nullable();
    t.string('add_friend_setting', 8).notNullable().defaultTo('verify');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(`alter table users add constraint users_add_friend_setting_check
    check (add_friend_setting in ('anyone', 'verify', 'mutual', 'nobody'))`);
  // Usernames are unique regardless of case; the prefix search reads the same index.
  await knex.raw('create unique index users_username_lower_key on users (lower(username) text_pattern_ops)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('users');
}
