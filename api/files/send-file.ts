import type { FileRow } from '../../shared/db/repositories/files.repository.ts';
import { AppError } from '../../shared/errors.ts';
import type { FileStorage } from '../../shared/storage/storage.ts';
import type { ApiContext } from '../http/context.ts';
import { decideRange } from './byte-range.ts';
import { contentDisposition } from './content-disposition.ts';
import { isSafeInlineImage, servedContentType } from './sniff-mime.ts';

/**
 * A file's bytes never change under its fid (nor a thumbnail's under its ETag), so a browser may keep
 * them a day without asking; `private` keeps them out of shared caches.
 */
export const FILE_CACHE_CONTROL = 'private, max-age=86400';

/**
 * Answers with a stored file: 304 when the client's copy is current, 206 for one satisfiable range,
 * 416 for a malformed or unsatisfiable one, else 200. Every answer forbids sniffing and runs in a
 * sandbox; only the safe raster image types are `inline`. HEAD gets the headers without opening storage.
 */
export async function sendFile(ctx: ApiContext, storage: FileStorage, file: FileRow): Promise<void> {
  const etag = `"${file.sha256}"`;
  const decision = rangeApplies(ctx.get('if-range'), etag) ? decideRange(ctx.get('range') || undefined, file.size) : { kind: 'full' as const };
  if (decision.kind === 'unsatisfiable' && !etagMatches(ctx.get('if-none-match'), etag)) {
    throw new AppError(416, 'range_not_satisfiable', 'The Range header is malformed or outside the file', undefined, { 'Content-Range': `bytes */${file.size}` });
  }

  ctx.set({
    ETag: etag,
    'Cache-Control': FILE_CACHE_CONTROL,
    'Accept-Ranges': 'bytes',
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': 'sandbox',
    'Content-Disposition': contentDisposition(isSafeInlineImage(file.mime) ? 'inline' : 'attachment', file.name),
  });
  if (etagMatches(ctx.get('if-none-match'), etag)) {
    ctx.status = 304;
    return;
  }

  ctx.set('Content-Type', servedContentType(file.mime));
  const range = decision.kind === 'partial' ? decision.range : undefined;
  ctx.status = range ? 206 : 200;
  if (range) ctx.set('Content-Range', `bytes ${range.start}-${range.end}/${file.size}`);
  if (ctx.method !== 'HEAD') ctx.body = await storage.get(file.storage_key, range);
  ctx.length = range ? range.end - range.start + 1 : file.size;
}

/** If-None-Match: `*` or any listed tag equal to ours (weak comparison). */
export function etagMatches(header: string, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t.replace(/^W\//, '') === etag;
  });
}

/** If-Range: the range applies only when the client's tag is still ours; a date never matches. */
const rangeApplies = (ifRange: string, etag: string) => !ifRange || ifRange.trim() === etag;
