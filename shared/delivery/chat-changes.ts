import { changeEvents, type ChatChange } from '../../client/src/protocol/frames.ts';
import { encodeFrame } from '../contracts/events.ts';
import type { ChangeRow } from '../db/repositories/chat-changes.repository.ts';
import { publishToChats, type FanOutDeps } from './fan-out.ts';

/** A stored change as the feed and its live frame show it: an edit of a message recalled since shows no text. */
export function toChangeEntry(row: ChangeRow): ChatChange {
  const data = row.kind === 'edit' && row.message_recalled ? { ...row.data, message: '' } : row.data;
  return { kind: row.kind, cursor: Number(row.cursor), data } as ChatChange;
}

/** Pushes a stored change as its frame (`on_edit`, `on_recall`, `on_reaction`, `on_pin`) to its chat. */
export async function publishChange(deps: FanOutDeps, row: ChangeRow): Promise<void> {
  const entry = toChangeEntry(row);
  const frame = encodeFrame(changeEvents[entry.kind], entry.data as never);
  await publishToChats(deps, [{ chatId: row.chat_id, actorUid: row.actor_uid, frame }]);
}
