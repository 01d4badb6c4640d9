import type { Knex } from 'knex';

// Each chat's change feed: edits, recalls, reactions and pins, numbered 1, 2, 3… per chat by
// `chats.last_change`, which is bumped under the chat's row lock in the change's own transaction.
// A cursor therefore becomes visible only after every lower cursor of its chat has committed, so a
// client resuming from a cursor it saw never skips a change. `data` is the live frame's data.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('chats', (t) => {
    t.bigInteger('last_change').notNullable().defaultTo(0);
  });
  await knex.schema.createTable('chat_changes', (t) => {
    t.bigInteger('chat_id').notNullable().references('id').inTable('chats').onDelete('CASCADE');
    t.bigInteger('cursor').notNullable();
    t.string('kind', 10).notNullable();
    t.bigInteger('message_id').notNullable();
    // Whose change it is: readers who block them do not see it, as with the live frame.
    t.specificType('actor_uid', 'char(32)').notNullable();
    t.jsonb('data').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['chat_id', 'cursor']);
  });
  await knex.raw(`alter table chat_changes add constraint chat_changes_kind_check check (kind in ('edit', 'recall', 'reaction', 'pin'))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('chat_changes');
  await knex.schema.alterTable('chats', (t) => {
    t.dropColumn('last_change');
  });
}
