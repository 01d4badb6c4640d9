import type { Knex } from 'knex';

// Messages pinned in a chat (at most 50 per chat, checked under the chat's row lock), and the group
// setting that lets plain members pin (owner and managers always may).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('chat_pins', (t) => {
    t.bigInteger('chat_id').notNullable().references('id').inTable('chats').onDelete('CASCADE');
    t.bigInteger('message_id').notNullable().references('id').inTable('messages').onDelete('CASCADE');
    t.specificType('pinned_by', 'char(32)').notNullable().references('uid').inTable('users').onDelete('CASCADE');
    t.timestamp('pinned_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['chat_id', 'message_id']);
  });
  await knex.schema.alterTable('groups', (t) => {
    t.boolean('members_can_pin').notNullable().defaultTo(false);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('groups', (t) => {
    t.dropColumn('members_can_pin');
  });
  await knex.schema.dropTable('chat_pins');
}
