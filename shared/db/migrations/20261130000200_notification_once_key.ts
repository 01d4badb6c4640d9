import type { Knex } from 'knex';

// A notification that must be stored at most once per cause (a refused send: one `send_failed` per
// request, however often its job runs) carries a key unique per recipient. Rows without a key never
// collide (NULLs are distinct), so every other notification is unaffected.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('notifications', (t) => {
    t.string('once_key', 200).nullable();
  });
  await knex.raw('create unique index notifications_uid_once_key on notifications (uid, once_key)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index notifications_uid_once_key');
  await knex.schema.alterTable('notifications', (t) => {
    t.dropColumn('once_key');
  });
}
