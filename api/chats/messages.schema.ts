import { z } from 'zod';
import { multiLine, NumericId, singleLine } from '../../shared/validation/fields.ts';
import { Fid, Uid } from '../../shared/validation/ids.ts';
import { ChatChangeEntry } from '../../shared/contracts/changes.ts';
import { MessageObject, Reaction } from '../../shared/contracts/messages.ts';

export const MESSAGE_MAX_CHARS = 4000;
const REMINDER_MAX_AHEAD_MS = 366 * 24 * 3600 * 1000;
// Built once: a schema built per request costs more than the check it makes.
const MESSAGE_TEXT = multiLine(MESSAGE_MAX_CHARS);
const EMOTE_CODE = singleLine(64).min(1);

export const ChatParams = z.object({ chat_id: NumericId });
export const DirectChatBody = z.strictObject({ target_user_id: Uid });
export const DirectChatResponse = z.object({ chat_id: z.string(), kind: z.literal('direct'), peer_uid: Uid, created: z.boolean() });
export const MessageParams = ChatParams.extend({ msg_id: NumericId });
export const ReactionParams = MessageParams.extend({ emoji: z.string().min(1).max(32) });

export const ClientGeneratedId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, '1–64 characters: letters, digits, _ or -');

/**
 * A send. `message` depends on `message_type`: text and reminder take text (markdown allowed),
 * emote a short code, image and file a fid. A forward names `forward_from_id` and carries no body:
 * the source's body (and fid) is copied.
 */
export const SendMessageBody = z
  .strictObject({
    client_generated_id: ClientGeneratedId,
    message: z.string().optional(),
    message_type: z.enum(['text', 'emote', 'image', 'file', 'reminder']).optional(),
    format: z.enum(['plain', 'markdown']).optional(),
    reply_to_id: NumericId.optional(),
    reply_root_id: NumericId.optional(),
    forward_from_id: NumericId.optional(),
    mentions: z.array(Uid).max(50).refine((ids) => new Set(ids).size === ids.length, 'mentions must not repeat').optional(),
    remind_at: z.iso.datetime().optional(),
  })
  .superRefine((body, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (body.forward_from_id !== undefined) {
      for (const field of ['message', 'message_type', 'format', 'remind_at'] as const) {
        if (body[field] !== undefined) issue(field, 'a forward copies its source; leave this out');
      }
      return;
    }
    if (body.message === undefined) return issue('message', 'required');
    if (body.message_type === undefined) return issue('message_type', 'required');
    const text = body.message;
    switch (body.message_type) {
      case 'text':
      case 'reminder':
        if (text.trim().length === 0) issue('message', 'must not be empty');
        if (text.length > MESSAGE_MAX_CHARS) issue('message', `at most ${MESSAGE_MAX_CHARS} characters`);
        if (!MESSAGE_TEXT.safeParse(text).success) issue('message', 'no control characters except newlines and tabs');
        break;
      case 'emote':
        if (!EMOTE_CODE.safeParse(text).success) issue('message', 'an emote is 1–64 characters on one line');
        break;
      case 'image':
      case 'file':
        if (!Fid.safeParse(text).success) issue('message', 'must be the fid of an uploaded file');
        break;
    }
    if (body.format === 'markdown' && body.message_type !== 'text' && body.message_type !== 'reminder') {
      issue('format', 'markdown is for text and reminder messages');
    }
    if (body.message_type === 'reminder') {
      if (body.remind_at === undefined) return issue('remind_at', 'required for a reminder');
      const at = Date.parse(body.remind_at) - Date.now();
      if (at <= 0 || at > REMINDER_MAX_AHEAD_MS) issue('remind_at', 'must be in the future, within a year');
    } else if (body.remind_at !== undefined) {
      issue('remind_at', 'only reminders have remind_at');
    }
  });

export const ListMessagesQuery = z
  .object({
    before: NumericId.optional(),
    after: z.coerce.number().int().min(0).optional(),
    max: z.coerce.number().int().min(1).max(100).default(50),
  })
  .refine((q) => q.before === undefined || q.after === undefined, 'use before or after, not both');

/** An edit: text rules as for a send (an emote's stricter rules are checked against the message). */
export const EditMessageBody = z
  .strictObject({
    message: multiLine(MESSAGE_MAX_CHARS).refine((text) => text.trim().length > 0, 'must not be empty'),
    format: z.enum(['plain', 'markdown']).optional(),
  });
export const PinBody = z.strictObject({ msg_id: NumericId });
export const ChangesQuery = z.object({
  since: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  max: z.coerce.number().int().min(1).max(200).default(100),
});

export const ListChatsQuery = z.object({ limit: z.coerce.number().int().min(1).max(100).default(50) });
export const ReadBody = z.strictObject({ seq: z.number().int().min(0) });
export const RecallBody = z.strictObject({ msg_id: NumericId });
export const ReactionBody = z.strictObject({ emoji: singleLine(32).min(1) });

const isoTime = z.iso.datetime();
// The message object is declared once, with the workers that hand it back (shared/contracts/messages.ts).
export const MessageResponse = MessageObject;
export const QueuedResponse = z.object({ status: z.literal('queued'), client_generated_id: z.string() });
export const QueuedActionResponse = z.object({ status: z.literal('queued'), msg_id: z.string() });
export const MessagesResponse = z.object({ messages: z.array(MessageResponse), has_more: z.boolean() });
export const ChatsResponse = z.object({
  chats: z.array(
    z.object({
      chat_id: z.string(),
      kind: z.enum(['direct', 'group']),
      peer: z.object({ uid: Uid, username: z.string(), nickname: z.string(), avatar_fid: z.string().nullable() }).nullable(),
      group: z.object({ id: z.string(), name: z.string(), avatar_fid: z.string().nullable(), category: z.enum(['small', 'large']) }).nullable(),
      last_seq: z.number().int(),
      last_read_seq: z.number().int(),
      unread_count: z.number().int(),
      last_message: MessageResponse.nullable(),
      last_activity_at: isoTime,
      /** The chat's newest change-feed cursor: read `GET /chats/{chat_id}/changes?since=` from here. */
      change_cursor: z.number().int(),
    }),
  ),
});
export const ReadResponse = z.object({ chat_id: z.string(), last_read_seq: z.number().int(), unread_count: z.number().int() });
export const RecallResponse = z.object({ chat_id: z.string(), msg_id: z.string(), seq: z.number().int(), recalled: z.literal(true) });
export const ReactionsResponse = z.object({ chat_id: z.string(), msg_id: z.string(), reactions: z.array(Reaction) });
export const EditsResponse = z.object({
  chat_id: z.string(),
  msg_id: z.string(),
  /** Earlier versions, newest first; version 0 is the message as sent. */
  edits: z.array(z.object({ version: z.number().int(), message: z.string(), format: z.enum(['plain', 'markdown']), written_at: isoTime, replaced_at: isoTime })),
});
export const Pin = z.object({ chat_id: z.string(), msg_id: z.string(), by_uid: Uid, pinned_at: isoTime, message: MessageResponse });
export const PinsResponse = z.object({ pins: z.array(Pin) });
export const UnpinResponse = z.object({ chat_id: z.string(), msg_id: z.string(), pinned: z.literal(false) });
export const ChangesResponse = z.object({
  /** In cursor order; each entry's `data` is what its live frame carries. */
  changes: z.array(ChatChangeEntry),
  has_more: z.boolean(),
  /** The cursor to ask from next: the last entry's, or `since` when there is none. */
  cursor: z.number().int(),
});
