import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('messages', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('chat_id').notNullable().references('id').inTable('chats').onDelete('CASCADE');
    // 1, 2, 3… per chat with no gaps, assigned in the persisting transaction.
    t.bigInteger('seq').notNullable();
    t.specificType('sender_uid', 'char(32)').notNullable().references('uid').inTable('users').onDelete('CASCADE');
    t.text('message').notNullable();
    t.string('message_type', 8).notNullable();
    t.string('format', 8).notNullable().defaultTo('plain');
    t.string('client_generated_id', 64).notNullable();
    t.bigInteger('reply_to_id').nullable();
    t.bigInteger('reply_root_id').nullable();
    t.bigInteger('forwarded_from').nullable();
    t.specificType('mentions', 'char(32)[]').notNullable().defaultTo('{}');
    // For image and file messages: {fid, name, size, mime} as it was when sent.
    t.jsonb('file').nullable();
    t.timestamp('remind_at', { useTz: true }).nullable();
    t.timestamp('recalled_at', { useTz: true }).nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['chat_id', 'seq']);
    // A retry with the same client_generated_id finds the message instead of making another.
    t.unique(['sender_uid', 'client_generated_id']);
  });
  await knex.raw(`alter table messages add constraint messages_type_check
    check (message_type in ('text', 'emote', 'image', 'file', 'reminder', 'system'))`);
  await knex.raw(`alter table messages add constraint messages_format_check check (format in ('plain', 'markdown'))`);

  await knex.schema.createTable('message_reactions', (t) => {
    t.bigInteger('message_id').notNullable().references('id').inTable('messages').onDelete('CASCADE');
    t.specificType('uid', 'char(32)').notNullable().references('uid').inTable('users').onDelete('CASCADE');
    t.string('emoji', 32).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['message_id', 'uid', 'emoji']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('message_reactions');
  await knex.schema.dropTable('messages');
}
