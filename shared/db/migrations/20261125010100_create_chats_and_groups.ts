import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('chats', (t) => {
    t.bigIncrements('id').primary();
    t.string('kind', 6).notNullable();
    // "uidA:uidB" in sorted order for direct chats, so get-or-create has one row to find.
    t.string('direct_key', 65).nullable().unique();
    t.bigInteger('last_seq').notNullable().defaultTo(0);
    t.timestamp('last_activity_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(`alter table chats add constraint chats_kind_check check (kind in ('direct', 'group'))`);

  await knex.schema.createTable('groups', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('chat_id').notNullable().unique().references('id').inTable('chats').onDelete('CASCADE');
    t.string('name', 64).notNullable();
    t.string('avatar_fid', 64).nullable();
    t.string('description', 1000).notNullable().defaultTo('');
    t.string('announcement', 2000).notNullable().defaultTo('');
    t.string('visibility', 7).notNullable().defaultTo('private');
    t.string('join_rule', 11).notNullable().defaultTo('approval');
    t.string('category', 5).notNullable().defaultTo('small');
    t.boolean('mute_all').notNullable().defaultTo(false);
    t.integer('member_count').notNullable().defaultTo(0);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(`alter table groups add constraint groups_visibility_check check (visibility in ('public', 'private'))`);
  await knex.raw(`alter table groups add constraint groups_join_rule_check check (join_rule in ('open', 'approval', 'invite_only'))`);
  await knex.raw(`alter table groups add constraint groups_category_check check (category in ('small', 'large'))`);
  await knex.raw(`create index groups_public_name on groups (lower(name) text_pattern_ops) where visibility = 'public'`);

  // Who is in a chat. For a group chat this is the group's membership, with role and mute;
  // for a direct chat the two people, with role null.
  await knex.schema.createTable('chat_members', (t) => {
    t.bigInteger('chat_id').notNullable().references('id').inTable('chats').onDelete('CASCADE');
    t.specificType('uid', 'char(32)').notNullable().references('uid').inTable('users').onDelete('CASCADE');
    t.string('role', 7).nullable();
    t.timestamp('muted_until', { useTz: true }).nullable();
    t.bigInteger('last_read_seq').notNullable().defaultTo(0);
    t.timestamp('joined_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['chat_id', 'uid']);
    t.index(['uid']);
  });
  await knex.raw(`alter table chat_members add constraint chat_members_role_check check (role is null or role in ('owner', 'manager', 'member'))`);
  await knex.raw(`create unique index chat_members_one_owner on chat_members (chat_id) where role = 'owner'`);

  await knex.schema.createTable('group_applications', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('group_id').notNullable().references('id').inTable('groups').onDelete('CASCADE');
    t.specificType('applicant_uid', 'char(32)').notNullable().references('uid').inTable('users').onDelete('CASCADE');
    t.string('apply_msg', 200).notNullable().defaultTo('');
    t.string('status', 8).notNullable().defaultTo('pending');
    t.specificType('decided_by', 'char(32)').nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('decided_at', { useTz: true }).nullable();
  });
  await knex.raw(`alter table group_applications add constraint group_applications_status_check check (status in ('pending', 'approved', 'rejected'))`);
  await knex.raw(`create unique index group_applications_one_pending on group_applications (group_id, applicant_uid) where status = 'pending'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('group_applications');
  await knex.schema.dropTable('chat_members');
  await knex.schema.dropTable('groups');
  await knex.schema.dropTable('chats');
}
