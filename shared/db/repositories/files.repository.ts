import type { Db } from '../knex.ts';

/** `ready`: every thumbnail width is stored; `failed`: the image cannot be thumbnailed; null: not tried yet. */
export type ThumbState = 'ready' | 'failed';

export interface FileRow {
  fid: string;
  owner_uid: string;
  name: string;
  size: number;
  mime: string;
  sha256: string;
  storage_key: string;
  /** Pixels as displayed (EXIF orientation applied), for raster images whose header could be read. */
  width: number | null;
  height: number | null;
  thumb_state: ThumbState | null;
  created_at: Date;
}

export type NewFile = Omit<FileRow, 'created_at' | 'width' | 'height' | 'thumb_state'> & Partial<Pick<FileRow, 'width' | 'height'>>;

// size is a BIGINT, which the driver hands over as a string; files stay far below 2^53 bytes.
const toRow = (row: Omit<FileRow, 'size'> & { size: string | number }): FileRow => ({ ...row, size: Number(row.size) });

export async function insertFile(db: Db, file: NewFile): Promise<FileRow> {
  const [row] = await db('files').insert(file).returning('*');
  return toRow(row);
}

export async function findFile(db: Db, fid: string): Promise<FileRow | undefined> {
  const row = await db('files').where({ fid }).first();
  return row ? toRow(row) : undefined;
}

export async function isFileOwner(db: Db, fid: string, uid: string): Promise<boolean> {
  return (await db('files').where({ fid, owner_uid: uid }).first('fid')) !== undefined;
}

/**
 * Records the outcome of thumbnailing (null: to be made again), and the image's size when the upload
 * could not read it.
 */
export async function setThumbState(db: Db, fid: string, state: ThumbState | null, size: { width: number; height: number } | null): Promise<void> {
  await db('files')
    .where({ fid })
    .update({
      thumb_state: state,
      ...(size ? { width: db.raw('coalesce(width, ?)', [size.width]), height: db.raw('coalesce(height, ?)', [size.height]) } : {}),
    });
}
