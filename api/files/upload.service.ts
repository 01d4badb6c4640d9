import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { randomBase62 } from '../../shared/auth/random.ts';
import { insertFile } from '../../shared/db/repositories/files.repository.ts';
import { clearPendingUpload, notePendingUpload } from '../../shared/db/repositories/pending-uploads.repository.ts';
import { AppError } from '../../shared/errors.ts';
import { probeImageSize } from '../../shared/media/image-probe.ts';
import { isRasterImage } from '../../shared/media/images.ts';
import { enqueueThumbnails } from '../../shared/media/thumbnail-jobs.ts';
import type { ApiDeps } from '../deps.ts';
import { startUpload, type UploadByteQuota } from '../limits/user-limits.ts';
import type { ApiContext } from '../http/context.ts';
import { uploaderOf } from './file-auth.ts';
import { cleanFileName } from './file-name.ts';
import { feedRequest, readSingleFile } from './request-body.ts';
import { sniffMime } from './sniff-mime.ts';
import { payloadTooLarge, UploadMeter } from './upload-meter.ts';

export interface UploadedFile {
  fid: string;
  name: string;
  size: number;
  mime: string;
  sha256: string;
  /** Displayed size of a raster image (EXIF orientation applied); null otherwise or when unreadable. */
  width: number | null;
  height: number | null;
}

interface StoredUpload extends UploadedFile {
  key: string;
}

/** `file_` + 22 base62 characters: 131 random bits. */
const newFid = () => `file_${randomBase62(22)}`;
/** Objects are spread over 3,844 prefixes so no directory grows without bound. */
const storageKeyOf = (fid: string) => `${fid.slice(5, 7)}/${fid}`;

/**
 * `POST /fserv/upload`: authenticate, stream the body to storage while measuring it, then record it.
 * The row is written only once the object is stored; if anything fails, the object is removed. An
 * upload is noted as pending before its first byte is stored, so that if this process stops midway,
 * the workers remove the object (`workers/processors/sweep-uploads.processor.ts`).
 */
export async function uploadFile(deps: ApiDeps, ctx: ApiContext, query: { name?: string | undefined }): Promise<UploadedFile> {
  try {
    const owner = await uploaderOf(deps, ctx);
    // A user's uploads count against their hourly limits; uploads with the internal key (trusted services) do not.
    const quotaFor = (declaredBytes: number | undefined) => (ctx.state.auth ? startUpload(deps, owner, declaredBytes) : Promise.resolve(undefined));
    const stored = await receive(deps, ctx, query.name, quotaFor);
    try {
      await deps.db.transaction(async (trx) => {
        // Gone only if the sweeper took this upload as abandoned (it took longer than the limit).
        if (!(await clearPendingUpload(trx, stored.key))) throw new AppError(408, 'upload_too_slow', 'The upload took too long and was discarded; send it again');
        await insertFile(trx, {
          fid: stored.fid,
          owner_uid: owner,
          name: stored.name,
          size: stored.size,
          mime: stored.mime,
          sha256: stored.sha256,
          storage_key: stored.key,
          width: stored.width,
          height: stored.height,
        });
      });
    } catch (err) {
      await discard(deps, stored);
      throw err;
    }
    if (isRasterImage(stored.mime)) await requestThumbnails(deps, stored.fid);
    const { key: _key, ...file } = stored;
    return file;
  } catch (err) {
    // Refused before the body was read: close rather than let the client send (and us drain) the rest.
    if (!ctx.req.complete) ctx.set('Connection', 'close');
    throw err;
  }
}

async function receive(
  deps: ApiDeps,
  ctx: ApiContext,
  name: string | undefined,
  quotaFor: (declaredBytes: number | undefined) => Promise<UploadByteQuota | undefined>,
): Promise<StoredUpload> {
  const maxBytes = deps.config.files.maxBytes;
  switch (ctx.request.type) {
    case 'application/octet-stream': {
      const length = ctx.request.length;
      if (length === undefined) throw new AppError(411, 'length_required', 'Send a Content-Length header with application/octet-stream');
      if (length > maxBytes) throw payloadTooLarge(maxBytes);
      const meter = new UploadMeter(maxBytes, await quotaFor(length));
      feedRequest(ctx.req, meter);
      return store(deps, meter, cleanFileName(name), length);
    }
    case 'multipart/form-data':
      return readSingleFile(
        ctx.req,
        async (file, filename) => {
          const meter = new UploadMeter(maxBytes, await quotaFor(undefined));
          pipeline(file, meter).catch(() => undefined); // a failure surfaces through the store below
          return store(deps, meter, cleanFileName(name ?? filename));
        },
        (stored) => discard(deps, stored),
      );
    default:
      throw new AppError(415, 'unsupported_media_type', 'Send the file as multipart/form-data or application/octet-stream');
  }
}

async function store(deps: ApiDeps, meter: UploadMeter, name: string, size?: number): Promise<StoredUpload> {
  const fid = newFid();
  const key = storageKeyOf(fid);
  await notePendingUpload(deps.db, key);
  try {
    await deps.storage.put(key, meter as Readable, size);
  } catch (err) {
    await clearPendingUpload(deps.db, key); // a failed put leaves no object behind
    throw err;
  }
  const mime = sniffMime(meter.head());
  const dimensions = isRasterImage(mime) ? await measure(deps, key, meter.bytes) : null;
  return { fid, key, name, size: meter.bytes, mime, sha256: meter.sha256(), width: dimensions?.width ?? null, height: dimensions?.height ?? null };
}

/** An image's size, read back from the stored bytes; the media worker fills it in if this fails. */
async function measure(deps: ApiDeps, key: string, size: number) {
  try {
    return await probeImageSize(deps.storage, key, size, deps.config.files.imageMaxPixels);
  } catch (err) {
    deps.log.warn({ key, err: err instanceof Error ? err.message : String(err) }, 'could not read the image size back from storage');
    return null;
  }
}

/**
 * The upload is recorded whatever happens here: if the job cannot be queued now, the first request
 * for a thumbnail queues it (`thumbnail.service.ts`).
 */
async function requestThumbnails(deps: ApiDeps, fid: string): Promise<void> {
  try {
    await enqueueThumbnails(deps.queues, fid);
  } catch (err) {
    deps.log.warn({ fid, err: err instanceof Error ? err.message : String(err) }, 'thumbnail job not queued; the first thumbnail request will queue it');
  }
}

/** Removes a stored object that will not be recorded, and its pending note. */
async function discard(deps: ApiDeps, stored: StoredUpload): Promise<void> {
  await deps.storage.delete(stored.key);
  await clearPendingUpload(deps.db, stored.key);
}
