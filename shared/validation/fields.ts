import { z } from 'zod';

/** Text fields shared by modules: trimmed where a blank value means nothing, never control characters. */
const noControl = (s: string) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s);

export const singleLine = (max: number) =>
  z.string().max(max).refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'no control characters');

export const multiLine = (max: number) => z.string().max(max).refine(noControl, 'no control characters except newlines and tabs');

/** A bigint id in a path or body (declared in ids.ts with the other id formats). */
export { NumericId } from './ids.ts';

/** Cursor pagination shared by list endpoints. */
export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(200).optional(),
});
