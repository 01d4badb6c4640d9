import { abandonedUploads, clearPendingUpload } from '../../shared/db/repositories/pending-uploads.repository.ts';
import { sweepUploadsJob } from '../../shared/queues/contracts.ts';
import type { WorkerDeps } from '../deps.ts';
import { defineProcessor } from '../processor.ts';

const PAGE = 500;

/**
 * Removes the objects of uploads noted as pending and never finished within
 * `FILE_UPLOAD_ABANDONED_SECONDS` (an api stopped between storing the bytes and writing the row).
 * Each note is claimed and its object deleted in one transaction: an api finishing that very upload
 * waits on the claim and then discards its upload instead of recording an object that is gone, and
 * a failed delete leaves the note for the next sweep.
 */
export async function sweepAbandonedUploads(deps: Pick<WorkerDeps, 'db' | 'storage' | 'config' | 'log'>, now = new Date()): Promise<number> {
  const before = new Date(now.getTime() - deps.config.files.uploadAbandonedSeconds * 1000);
  let removed = 0;
  for (;;) {
    const keys = await abandonedUploads(deps.db, before, PAGE);
    for (const key of keys) {
      const claimed = await deps.db.transaction(async (trx) => {
        if (!(await clearPendingUpload(trx, key))) return false; // its api finished it meanwhile
        await deps.storage.delete(key);
        return true;
      });
      if (claimed) removed++;
    }
    if (keys.length < PAGE) break;
  }
  if (removed > 0) deps.log.info({ removed }, 'removed the objects of abandoned uploads');
  return removed;
}

export const sweepUploadsProcessor = defineProcessor(sweepUploadsJob, async (_data, deps) => ({ removed: await sweepAbandonedUploads(deps) }));
