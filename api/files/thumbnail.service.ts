import { canDownloadFile } from '../../shared/access/file-access.ts';
import { findFile, setThumbState, type FileRow } from '../../shared/db/repositories/files.repository.ts';
import { AppError, notFound } from '../../shared/errors.ts';
import { isRasterImage, THUMB_MIME, thumbEtag, thumbKey, type ThumbWidth } from '../../shared/media/images.ts';
import { enqueueThumbnails } from '../../shared/media/thumbnail-jobs.ts';
import { makeThumbnailsJob } from '../../shared/queues/contracts.ts';
import { queueFor } from '../../shared/queues/producer.ts';
import { waitUntilFinished } from '../../shared/queues/wait-for-job.ts';
import { ObjectNotFoundError } from '../../shared/storage/storage.ts';
import type { ApiDeps } from '../deps.ts';
import type { ApiContext } from '../http/context.ts';
import { contentDisposition } from './content-disposition.ts';
import { downloaderOf } from './file-auth.ts';
import { etagMatches, FILE_CACHE_CONTROL } from './send-file.ts';

/** Seconds a client waits before asking again for a thumbnail still being made. */
const PENDING_RETRY_SECONDS = 2;

const noThumbnail = (message: string) => new AppError(404, 'no_thumbnail', message);
const pending = () =>
  new AppError(503, 'thumbnail_pending', 'The thumbnail is being made; retry shortly', undefined, { 'Retry-After': String(PENDING_RETRY_SECONDS) });

/**
 * `GET /f/fserv/thumb/{fid}?w=`: a WebP thumbnail of a raster image, under the download's access rule
 * (token or `?sig=`, the same 404 for "no such file" and "not yours"). A thumbnail not made yet (the
 * worker is behind, or the file predates thumbnails) is asked for and waited on for up to
 * `API_JOB_WAIT_MS`; past that the answer is 503 `thumbnail_pending` with `Retry-After`. Files that
 * are not PNG, JPEG, GIF or WebP, and images the worker refused (over the pixel limit, corrupt), have
 * none: 404 `no_thumbnail`.
 */
export async function sendThumbnail(deps: ApiDeps, ctx: ApiContext, fid: string, width: ThumbWidth, sig: string | undefined): Promise<void> {
  const uid = await downloaderOf(deps, ctx, fid, sig);
  let file = (await canDownloadFile(deps.db, uid, fid)) ? await findFile(deps.db, fid) : undefined;
  if (!file) throw notFound('File');
  if (!isRasterImage(file.mime)) throw noThumbnail('Only PNG, JPEG, GIF and WebP images have thumbnails');
  if (file.thumb_state === null) file = await waitForThumbnails(deps, file);
  if (file.thumb_state === 'failed') throw noThumbnail('This image cannot be thumbnailed (too many pixels, or not decodable)');
  if (file.thumb_state === null) throw pending();

  const etag = thumbEtag(file.sha256, width);
  const fresh = etagMatches(ctx.get('if-none-match'), etag);
  // Opened before any header is set, so a refusal here carries no caching headers.
  const body = fresh || ctx.method === 'HEAD' ? null : await openThumbnail(deps, file, width);
  ctx.set({
    ETag: etag,
    'Cache-Control': FILE_CACHE_CONTROL,
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': 'sandbox',
    'Content-Disposition': contentDisposition('inline', `${file.name.replace(/\.[^.]*$/, '')}-${width}.webp`),
  });
  if (fresh) {
    ctx.status = 304;
    return;
  }
  ctx.status = 200;
  ctx.type = THUMB_MIME;
  if (body) ctx.body = body;
}

/** Queues the job (or joins the one queued at upload) and waits a bounded time for it. */
async function waitForThumbnails(deps: ApiDeps, file: FileRow): Promise<FileRow> {
  const job = await enqueueThumbnails(deps.queues, file.fid);
  // Finished, failed, removed or out of time: whichever it was, the row tells.
  await waitUntilFinished(queueFor(deps.queues, makeThumbnailsJob, { fid: file.fid }), job, deps.mediaEvents, deps.config.api.jobWaitMs).catch(() => undefined);
  return (await findFile(deps.db, file.fid)) ?? file;
}

/** The stored thumbnail; if it has gone missing from storage, the file is queued to be made again. */
async function openThumbnail(deps: ApiDeps, file: FileRow, width: ThumbWidth) {
  try {
    return await deps.storage.get(thumbKey(file.storage_key, width));
  } catch (err) {
    if (!(err instanceof ObjectNotFoundError)) throw err;
    deps.log.warn({ fid: file.fid, width }, 'thumbnail missing from storage; making it again');
    await setThumbState(deps.db, file.fid, null, null);
    await enqueueThumbnails(deps.queues, file.fid);
    throw pending();
  }
}
