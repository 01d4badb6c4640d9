import type { Knex } from 'knex';

// Rows whose delivery failed, found at once: while one is recent, later changes' effects are
// delivered in commit order behind it (shared/effects/outbox.ts) instead of overtaking it.
export async function up(knex: Knex): Promise<void> {
  await knex.raw('create index outbox_failed_created_at on outbox (created_at) where attempts > 0');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index outbox_failed_created_at');
}
