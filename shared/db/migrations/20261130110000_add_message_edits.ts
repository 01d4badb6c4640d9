import type { Knex } from 'knex';

// A sender may edit a text or emote message: the message row holds the current text, and each
// earlier version is kept in `message_edits` (version 0 is the original) for the edit history.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('messages', (t) => {
    t.timestamp('edited_at', { useTz: true }).nullable();
    t.integer('edit_count').notNullable().defaultTo(0);
  });
  await knex.schema.createTable('message_edits', (t) => {
    t.bigInteger('message_id').notNullable().references('id').inTable('messages').onDelete('CASCADE');
    t.integer('version').notNullable();
    t.text('message').notNullable();
    t.string('format', 8).notNullable();
    // When this version was written (the send, or the edit that made it) and when it was replaced.
    t.timestamp('written_at', { useTz: true }).notNullable();
    t.timestamp('replaced_at', { useTz: true }).notNullable();
    t.primary(['message_id', 'version']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('message_edits');
  await knex.schema.alterTable('messages', (t) => {
    t.dropColumn('edit_count');
    t.dropColumn('edited_at');
  });
}
