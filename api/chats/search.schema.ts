import { z } from 'zod';
import { MessageObject } from '../../shared/contracts/messages.ts';
import { NumericId } from '../../shared/validation/fields.ts';
import { isBigintId, Uid } from '../../shared/validation/ids.ts';

export const SEARCH_QUERY_MAX_CHARS = 200;

/**
 * A page cursor: `t<id>` in time order, `r<rank>_<id>` in rank order (opaque to clients: they pass
 * back `next_cursor` as it came).
 */
const Cursor = z
  .string()
  .regex(/^(t\d{1,19}|r\d{1,12}(\.\d{1,20})?(e-\d{1,3})?_\d{1,19})$/, 'must be a next_cursor from a previous page')
  .refine((cursor) => isBigintId(cursor.slice(cursor.search(/\d+$/))), 'must be a next_cursor from a previous page');

export const SearchQuery = z.object({
  q: z.string().trim().min(1).max(SEARCH_QUERY_MAX_CHARS),
  chat_id: NumericId.optional(),
  from_uid: Uid.optional(),
  before: NumericId.optional(),
  order: z.enum(['time', 'rank']).default('time'),
  cursor: Cursor.optional(),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});

export const Highlight = z.object({
  start: z.number().int().describe('first UTF-16 code unit of the match in `message.message`'),
  end: z.number().int().describe('the code unit after the match'),
});

export const SearchResponse = z.object({
  results: z.array(z.object({ message: MessageObject, highlights: z.array(Highlight) })),
  next_cursor: z.string().nullable(),
});
