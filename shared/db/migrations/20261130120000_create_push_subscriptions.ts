import type { Knex } from 'knex';

// A device that receives pushes while its user has no live socket. It belongs to the session that
// made it: ending the session (logout, revoke, logout_all, expiry clean-up) removes it.
// `address` is the Web Push endpoint or the FCM / APNs device token: one device, one row.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('push_subscriptions', (t) => {
    t.bigIncrements('id').primary();
    t.specificType('uid', 'char(32)').notNullable();
    t.specificType('client_key', 'char(16)').notNullable();
    t.string('kind', 7).notNullable();
    t.text('address').notNullable();
    t.string('p256dh', 200).nullable();
    t.string('auth', 100).nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.foreign(['uid', 'client_key']).references(['uid', 'client_key']).inTable('sessions').onDelete('CASCADE');
    t.unique(['kind', 'address']);
    t.index(['uid']);
  });
  await knex.raw(`alter table push_subscriptions add constraint push_subscriptions_kind_check check (kind in ('webpush', 'fcm', 'apns'))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('push_subscriptions');
}
