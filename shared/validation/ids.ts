import { z } from 'zod';
import { CLIENT_KEY_PATTERN, UID_PATTERN } from '../auth/token.ts';

/** Id formats shared by every module, so an id is validated the same way wherever it arrives. */
export const Uid = z.string().regex(UID_PATTERN, 'must be a uid (32 lowercase hex characters)');
export const ClientKey = z.string().regex(CLIENT_KEY_PATTERN, 'must be a 16-character client key');
export const Fid = z.string().regex(/^file_[0-9A-Za-z]{22,64}$/, 'must be a file id (file_…)');
