import { z } from 'zod';

export const ChatSettingsBody = z.strictObject({
  notifications: z.enum(['all', 'mentions', 'none']),
  /** Silence every push of the chat until this time; null or absent: not muted. */
  muted_until: z.iso.datetime({ offset: true }).nullable().optional(),
});
export const ChatSettingsResponse = z.object({
  chat_id: z.string(),
  notifications: z.enum(['all', 'mentions', 'none']),
  muted_until: z.iso.datetime().nullable(),
});
