import { z } from 'zod';

/**
 * The message object as clients see it — in HTTP answers, in `on_message` frames, and as the result
 * a send job hands back to the api. Declared once here; the api's documentation uses it too.
 */
const Uid = z.string().regex(/^[0-9a-f]{32}$/);
const isoTime = z.iso.datetime();

export const Reaction = z.object({ emoji: z.string(), count: z.number().int(), uids: z.array(Uid) });

export const MessageObject = z.object({
  id: z.string(),
  chat_id: z.string(),
  seq: z.number().int(),
  sender_uid: Uid,
  message: z.string(),
  message_type: z.enum(['text', 'emote', 'image', 'file', 'reminder', 'system']),
  format: z.enum(['plain', 'markdown']),
  client_generated_id: z.string(),
  reply_to_id: z.string().nullable(),
  reply_root_id: z.string().nullable(),
  forwarded_from: z.string().nullable(),
  mentions: z.array(Uid),
  reactions: z.array(Reaction),
  // width/height: an image's displayed size, else null (see the upload's answer).
  file: z.object({ fid: z.string(), name: z.string(), size: z.number(), mime: z.string(), width: z.number().int().nullable(), height: z.number().int().nullable() }).nullable(),
  remind_at: isoTime.nullable(),
  recalled: z.boolean(),
  created_at: isoTime,
  /** When the sender last edited it (null if never) and how many times. */
  edited_at: isoTime.nullable(),
  edit_count: z.number().int(),
});
export type MessageObject = z.infer<typeof MessageObject>;
