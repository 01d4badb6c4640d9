import type { Db } from '../knex.ts';

export interface FileRow {
  fid: string;
  owner_uid: string;
  name: string;
  size: number;
  mime: string;
  sha256: string;
  storage_key: string;
  created_at: Date;
}

// size is a BIGINT, which the driver hands over as a string; files stay far below 2^53 bytes.
const toRow = (row: Omit<FileRow, 'size'> & { size: string | number }): FileRow => ({ ...row, size: Number(row.size) });

export async function insertFile(db: Db, file: Omit<FileRow, 'created_at'>): Promise<FileRow> {
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

/** Removes a file's row (an upload whose client never learned its fid). Answers whether it existed. */
export async function deleteFileRow(db: Db, fid: string): Promise<boolean> {
  return (await db('files').where({ fid }).delete()) === 1;
}
