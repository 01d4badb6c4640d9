import { findFile, setThumbState } from '../../shared/db/repositories/files.repository.ts';
import { isRasterImage } from '../../shared/media/images.ts';
import { makeThumbnails } from '../../shared/media/thumbnails.ts';
import { makeThumbnailsJob } from '../../shared/queues/contracts.ts';
import { defineProcessor } from '../processor.ts';

/**
 * Makes a raster image's thumbnails once and records the outcome (and the image's size, when the
 * upload could not read it). A file already tried, gone, or not a raster image is left alone.
 */
export const makeThumbnailsProcessor = defineProcessor(makeThumbnailsJob, async ({ fid }, deps) => {
  const file = await findFile(deps.db, fid);
  if (!file || !isRasterImage(file.mime)) return { state: 'skipped' as const };
  if (file.thumb_state !== null) return { state: file.thumb_state };
  const outcome = await makeThumbnails(deps.storage, file.storage_key, deps.config.files.imageMaxPixels);
  if (outcome.state === 'failed') deps.log.info({ fid, reason: outcome.reason }, 'no thumbnails for this image');
  await setThumbState(deps.db, fid, outcome.state, outcome.size);
  return { state: outcome.state };
});
