import type { Knex } from 'knex';

// A member's own settings for one chat; they only decide which pushes the member gets. Leaving the
// chat removes them.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('chat_settings', (t) => {
    t.bigInteger('chat_id').notNullable();
    t.specificType('uid', 'char(32)').notNullable();
    t.string('notifications', 8).notNullable().defaultTo('all');
    t.timestamp('muted_until', { useTz: true }).nullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['chat_id', 'uid']);
    t.foreign(['chat_id', 'uid']).references(['chat_id', 'uid']).inTable('chat_members').onDelete('CASCADE');
  });
  await knex.raw(`alter table chat_settings add constraint chat_settings_notifications_check check (notifications in ('all', 'mentions', 'none'))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('chat_settings');
}
