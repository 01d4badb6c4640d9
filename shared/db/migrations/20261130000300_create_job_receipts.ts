import type { Knex } from 'knex';

// A job whose change is not naturally idempotent (taking back a reaction) notes its BullMQ job id
// here in the change's transaction: a second run of the same job (BullMQ recovering it as stalled
// after a crash) sees the note and answers instead of refusing a change that already happened.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('job_receipts', (t) => {
    t.string('job_id', 300).primary();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['created_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('job_receipts');
}
