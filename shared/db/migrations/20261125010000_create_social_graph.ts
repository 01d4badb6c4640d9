import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('friend_requests', (t) => {
    t.bigIncrements('id').primary();
    t.specificType('from_uid', 'char(32)').notNullable().references('uid').inTable('users').onDelete('CASCADE');
    t.specificType('to_uid', 'char(32)').notNullable().references('uid').inTable('users').onDelete('CASCADE');
    t.string('apply_msg', 200).notNullable().defaultTo('');
    t.string('status', 10).notNullable().defaultTo('pending');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('decided_at', { useTz: true }).nullable();
    t.index(['to_uid', 'status']);
    t.index(['from_uid', 'status']);
  });
  await knex.raw(`alter table friend_requests add constraint friend_requests_status_check
    check (status in ('pending', 'accepted', 'rejected', 'cancelled'))`);
  // At most one pending request per direction: a repeated apply finds the existing one.
  await knex.raw(`create unique index friend_requests_one_pending on friend_requests (from_uid, to_uid) where status = 'pending'`);

  // Both directions are stored, so "friends of X" is one index range.
  await knex.schema.createTable('friendships', (t) => {
    t.specificType('uid', 'char(32)').notNullable().references('uid').inTable('users').onDelete('CASCADE');
    t.specificType('friend_uid', 'char(32)').notNullable().references('uid').inTable('users').onDelete('CASCADE');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['uid', 'friend_uid']);
  });

  await knex.schema.createTable('blocks', (t) => {
    t.specificType('blocker_uid', 'char(32)').notNullable().references('uid').inTable('users').onDelete('CASCADE');
    t.specificType('blocked_uid', 'char(32)').notNullable().references('uid').inTable('users').onDelete('CASCADE');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['blocker_uid', 'blocked_uid']);
    t.index(['blocked_uid']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('blocks');
  await knex.schema.dropTable('friendships');
  await knex.schema.dropTable('friend_requests');
}
