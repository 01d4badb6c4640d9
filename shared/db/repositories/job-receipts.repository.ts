import type { Db } from '../knex.ts';

/** Notes that a job's change committed; answers false when it was already noted (this is a second run). */
export async function noteJobDone(trx: Db, jobId: string): Promise<boolean> {
  const rows = await trx('job_receipts').insert({ job_id: jobId }).onConflict('job_id').ignore().returning('job_id');
  return rows.length === 1;
}

/** Receipts older than any job can still be running or recovered. */
export async function deleteOldJobReceipts(db: Db, olderThanSeconds: number): Promise<number> {
  return db('job_receipts').where('created_at', '<', db.raw(`now() - make_interval(secs => ?)`, [olderThanSeconds])).delete();
}
