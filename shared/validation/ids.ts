import { z } from 'zod';
import { CLIENT_KEY_PATTERN, UID_PATTERN } from '../auth/token.ts';

/** Id formats shared by every module, so an id is validated the same way wherever it arrives. */
export const Uid = z.string().regex(UID_PATTERN, 'must be a uid (32 lowercase hex characters)');
export const ClientKey = z.string().regex(CLIENT_KEY_PATTERN, 'must be a 16-character client key');
export const Fid = z.string().regex(/^file_[0-9A-Za-z]{22,64}$/, 'must be a file id (file_…)');

/** The largest PostgreSQL bigint: the type of every numeric id, seq and cursor. */
export const INT8_MAX = '9223372036854775807';

const ID_PATTERN = /^[1-9][0-9]{0,18}$/;
// A 19-digit string compares with INT8_MAX like the number it writes.
const withinInt8 = (text: string) => !/^[0-9]{19}$/.test(text) || text <= INT8_MAX;

/** Whether `text` is a positive bigint id PostgreSQL can hold (1 … 2^63−1), written without leading zeros. */
export const isBigintId = (text: string): boolean => ID_PATTERN.test(text) && withinInt8(text);

/** A bigint id in a path, query or body: digits only, as a string, within PostgreSQL's bigint. */
export const NumericId = z
  .string()
  .regex(ID_PATTERN, 'must be a numeric id')
  .refine(withinInt8, `must be a numeric id of at most ${INT8_MAX}`);
