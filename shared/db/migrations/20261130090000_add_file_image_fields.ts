import type { Knex } from 'knex';

// Raster images get their size (as displayed, after EXIF orientation) at upload, and a thumbnail
// state once the media worker has tried them. Rows from before stay null: sizes unknown, thumbnails
// made on first request.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('files', (t) => {
    t.integer('width').nullable();
    t.integer('height').nullable();
    t.string('thumb_state', 10).nullable();
  });
  await knex.raw(`alter table files add constraint files_dimensions_check check ((width is null) = (height is null) and (width is null or (width > 0 and height > 0)))`);
  await knex.raw(`alter table files add constraint files_thumb_state_check check (thumb_state in ('ready', 'failed'))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table files drop constraint files_thumb_state_check');
  await knex.raw('alter table files drop constraint files_dimensions_check');
  await knex.schema.alterTable('files', (t) => {
    t.dropColumn('thumb_state');
    t.dropColumn('height');
    t.dropColumn('width');
  });
}
