import type { Db } from '../db/knex.ts';
import { isFileOwner } from '../db/repositories/files.repository.ts';

/**
 * The one rule for who may read a file; every download path and the send gate ask it. Its uploader,
 * and anyone who may see a non-recalled message carrying the fid: a member of that message's chat
 * who does not block its sender. Recalling the last such message, leaving the chat or blocking the
 * sender takes the access away.
 */
export async function canDownloadFile(db: Db, uid: string, fid: string): Promise<boolean> {
  if (await isFileOwner(db, fid, uid)) return true;
  const { rows } = await db.raw<{ rows: { visible: boolean }[] }>(
    `select exists(
       select 1 from messages m
         join chat_members cm on cm.chat_id = m.chat_id and cm.uid = :uid
        where m.file->>'fid' = :fid
          and m.file is not null
          and m.recalled_at is null
          and not exists (select 1 from blocks b where b.blocker_uid = :uid and b.blocked_uid = m.sender_uid)
     ) as visible`,
    { uid, fid },
  );
  return rows[0]?.visible === true;
}
