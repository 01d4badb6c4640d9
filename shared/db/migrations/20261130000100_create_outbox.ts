import type { Knex } from 'knex';

// The effects of a change (pushes, control events, cache invalidations, timers), written in the
// change's own transaction. A row is deleted once its effects were delivered: a row still here is
// "not yet delivered", and the workers' relay delivers rows left behind by a crash or a failed publish.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('outbox', (t) => {
    t.bigIncrements('id').primary();
    // A JSON array of effects (shared/contracts/effects.ts), delivered in order.
    t.jsonb('effects').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.integer('attempts').notNullable().defaultTo(0);
    t.text('last_error').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('outbox');
}
