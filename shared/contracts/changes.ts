import { z } from 'zod';
import type { ChangeKind, ServerFrames, changeEvents } from '../../client/src/protocol/frames.ts';
import { Reaction } from './messages.ts';

/**
 * A chat's change feed entries (`chat_changes`): edits, recalls, reactions and pins, each stored
 * with the data of its live frame (`on_edit`, `on_recall`, `on_reaction`, `on_pin`, declared in the
 * SDK's protocol module) so the feed and the frame say the same thing. The schemas here describe the
 * feed in the API document; the type checks below keep them equal to the frames.
 */
const id = z.string().regex(/^[0-9]+$/);
const uid = z.string().regex(/^[0-9a-f]{32}$/);
const cursor = z.number().int().min(1);

export const EditChange = z.object({
  chat_id: id, msg_id: id, seq: z.number().int(), message: z.string(), format: z.enum(['plain', 'markdown']),
  edited_at: z.iso.datetime(), edit_count: z.number().int(), cursor,
});
export const RecallChange = z.object({ chat_id: id, msg_id: id, seq: z.number().int(), cursor });
export const ReactionChange = z.object({
  chat_id: id, msg_id: id, seq: z.number().int(), uid, emoji: z.string(), action: z.enum(['added', 'removed']), reactions: z.array(Reaction), cursor,
});
export const PinChange = z.object({ chat_id: id, msg_id: id, pinned: z.boolean(), by_uid: uid, at: z.iso.datetime(), cursor });

export const ChatChangeEntry = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('edit'), cursor, data: EditChange }),
  z.object({ kind: z.literal('recall'), cursor, data: RecallChange }),
  z.object({ kind: z.literal('reaction'), cursor, data: ReactionChange }),
  z.object({ kind: z.literal('pin'), cursor, data: PinChange }),
]);
export type ChatChangeEntry = z.infer<typeof ChatChangeEntry>;

/** A change's frame data without the chat and cursor, which the change log fills in when it records it. */
export type ChangeData<K extends ChangeKind> = Omit<ServerFrames[(typeof changeEvents)[K]], 'chat_id' | 'cursor'>;

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const frameAgreement: [
  Same<z.infer<typeof EditChange>, ServerFrames['on_edit']>,
  Same<z.infer<typeof RecallChange>, ServerFrames['on_recall']>,
  Same<z.infer<typeof ReactionChange>, ServerFrames['on_reaction']>,
  Same<z.infer<typeof PinChange>, ServerFrames['on_pin']>,
] = [true, true, true, true];
void frameAgreement;
