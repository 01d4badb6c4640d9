import type { AuthContext } from '../../shared/auth/authenticate.ts';
import { findChatSettings, saveChatSettings, type ChatSettingsRow } from '../../shared/db/repositories/chat-settings.repository.ts';
import { memberReadSeq } from '../../shared/db/repositories/push-gate.repository.ts';
import { badRequest, notFound } from '../../shared/errors.ts';
import type { ApiDeps } from '../deps.ts';

const FOREIGN_KEY_VIOLATION = '23503';
const YEAR_MS = 366 * 24 * 3600 * 1000;

const view = (row: ChatSettingsRow) => ({ chat_id: row.chat_id, notifications: row.notifications, muted_until: row.muted_until?.toISOString() ?? null });

async function requireMember(deps: ApiDeps, caller: AuthContext, chatId: string): Promise<void> {
  if ((await memberReadSeq(deps.db, chatId, caller.uid)) === null) throw notFound('Chat');
}

export async function getChatSettings(deps: ApiDeps, caller: AuthContext, chatId: string) {
  await requireMember(deps, caller, chatId);
  return view(await findChatSettings(deps.db, chatId, caller.uid));
}

/** A member's push settings for a chat: which pushes (`all`, `mentions`, `none`) and a mute until a time. */
export async function putChatSettings(deps: ApiDeps, caller: AuthContext, chatId: string, body: { notifications: ChatSettingsRow['notifications']; muted_until?: string | null | undefined }) {
  await requireMember(deps, caller, chatId);
  const mutedUntil = body.muted_until ? new Date(body.muted_until) : null;
  if (mutedUntil && mutedUntil.getTime() > Date.now() + YEAR_MS) {
    throw badRequest('invalid_input', 'Invalid input', [{ field: 'muted_until', message: 'at most a year from now' }]);
  }
  try {
    return view(await saveChatSettings(deps.db, { chat_id: chatId, uid: caller.uid, notifications: body.notifications, muted_until: mutedUntil }));
  } catch (err) {
    // The member left the chat between the check and the write.
    if ((err as { code?: string }).code === FOREIGN_KEY_VIOLATION) throw notFound('Chat');
    throw err;
  }
}
