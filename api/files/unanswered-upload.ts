import { deleteFileRow } from '../../shared/db/repositories/files.repository.ts';
import type { Logger } from '../../shared/logger.ts';
import { THUMB_WIDTHS, thumbKey } from '../../shared/media/images.ts';
import type { FileStorage } from '../../shared/storage/storage.ts';
import type { ApiContext } from '../http/context.ts';
import { uploadAborted } from './request-body.ts';

/**
 * An upload is kept only if its client gets the answer that names its fid: nobody else can ever
 * refer to it. Called once the upload is recorded. If the client is already gone, the file is removed
 * and the request fails as aborted; if the connection closes before the answer is fully written, the
 * file is removed then.
 */
export async function keepOnlyIfAnswered(deps: { db: Parameters<typeof deleteFileRow>[0]; storage: FileStorage; log: Logger }, ctx: ApiContext, upload: { fid: string; key: string }): Promise<void> {
  const remove = async () => {
    await deleteFileRow(deps.db, upload.fid);
    await deps.storage.delete(upload.key);
    // Thumbnails, if a worker made them meanwhile.
    for (const width of THUMB_WIDTHS) await deps.storage.delete(thumbKey(upload.key, width));
  };
  if (ctx.req.socket.destroyed || ctx.res.destroyed) {
    await remove();
    throw uploadAborted();
  }
  ctx.res.once('close', () => {
    if (ctx.res.writableFinished) return;
    remove().then(
      () => deps.log.info({ fid: upload.fid }, 'upload removed: its client left before the answer'),
      (err: unknown) => deps.log.error({ err, fid: upload.fid }, 'removing an unanswered upload failed'),
    );
  });
}
