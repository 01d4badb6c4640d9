import type { Knex } from 'knex';

// An upload is noted here before its bytes go to storage and cleared when its `files` row is written.
// A row left behind means the api stopped mid-upload: the sweeper removes its object.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('pending_uploads', (t) => {
    t.string('storage_key', 200).primary();
    t.timestamp('started_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['started_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('pending_uploads');
}
