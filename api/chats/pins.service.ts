import type { AuthContext } from '../../shared/auth/authenticate.ts';
import { lockChatForChange, recordChange } from '../../shared/db/repositories/chat-changes.repository.ts';
import { findMessage, reactionsFor, toMessageView, type MessageRow } from '../../shared/db/repositories/messages.repository.ts';
import { countPins, deletePin, findPin, insertPin, listPins, type PinRow } from '../../shared/db/repositories/pins.repository.ts';
import { conflict, forbidden, notFound } from '../../shared/errors.ts';
import { commitWithEffects } from '../../shared/effects/outbox.ts';
import type { ApiDeps } from '../deps.ts';

/** At most this many messages are pinned in one chat. */
export const MAX_PINS_PER_CHAT = 50;

const PIN_REFUSALS = {
  not_member: 'You are not a member of this chat',
  not_friends: 'You can only pin in a direct chat with a friend',
  blocked: 'One of you blocks the other',
  muted: 'You are muted in this group',
  muted_all: 'Only the owner and managers may act in this group right now',
} as const;

/**
 * Who may pin and unpin: in a direct chat either person, while they may still message each other;
 * in a group the owner and managers, and plain members too when the group's `members_can_pin` is on
 * — never a muted member. Everyone else in the chat is refused 403; people outside it get 404.
 */
async function requirePinner(deps: ApiDeps, caller: AuthContext, chatId: string): Promise<void> {
  if (!(await deps.userState.canSeeChat(caller.uid, chatId))) throw notFound('Chat');
  const decision = await deps.userState.canSend(caller.uid, chatId);
  if (!decision.allowed) {
    if (decision.code === 'not_member') throw notFound('Chat');
    throw forbidden(decision.code, PIN_REFUSALS[decision.code]);
  }
  if (decision.chat.kind === 'group' && decision.member.role === 'member' && !decision.chat.membersCanPin) {
    throw forbidden('not_allowed', 'Only the owner and managers may pin in this group');
  }
}

async function pinView(deps: ApiDeps, pin: PinRow, message: MessageRow) {
  const reactions = (await reactionsFor(deps.db, [message])).get(message.id) ?? [];
  return { chat_id: pin.chat_id, msg_id: pin.message_id, by_uid: pin.pinned_by, pinned_at: pin.pinned_at.toISOString(), message: toMessageView(message, reactions) };
}

/** Pins a message (pinning a pinned one answers its pin); everyone in the chat gets `on_pin`. */
export async function pinMessage(deps: ApiDeps, caller: AuthContext, chatId: string, msgId: string) {
  await requirePinner(deps, caller, chatId);
  const message = await findMessage(deps.db, chatId, msgId);
  if (!message || !(await deps.userState.canSeeMessage(caller.uid, message))) throw notFound('Message');
  const pin = await commitWithEffects(deps, async (trx, effects) => {
    if (!(await lockChatForChange(trx, chatId))) throw notFound('Chat');
    const existing = await findPin(trx, chatId, message.id);
    if (existing) return existing;
    const current = await findMessage(trx, chatId, message.id);
    if (!current || current.recalled_at !== null) throw notFound('Message');
    if ((await countPins(trx, chatId)) >= MAX_PINS_PER_CHAT) throw conflict('too_many_pins', `A chat has at most ${MAX_PINS_PER_CHAT} pinned messages; unpin one first`);
    const inserted = await insertPin(trx, { chat_id: chatId, message_id: message.id, pinned_by: caller.uid });
    if (!inserted) throw new Error('a pin appeared under the chat lock');
    const change = await recordChange(trx, {
      chatId, kind: 'pin', messageId: message.id, actorUid: caller.uid,
      data: { msg_id: message.id, pinned: true, by_uid: caller.uid, at: inserted.pinned_at.toISOString() },
    });
    effects.push({ kind: 'change', chat_id: chatId, cursor: change.cursor });
    return inserted;
  });
  return pinView(deps, pin, message);
}

/** Takes a pin off; everyone in the chat gets `on_pin` with `pinned: false`. */
export async function unpinMessage(deps: ApiDeps, caller: AuthContext, chatId: string, msgId: string) {
  await requirePinner(deps, caller, chatId);
  await commitWithEffects(deps, async (trx, effects) => {
    if (!(await lockChatForChange(trx, chatId))) throw notFound('Chat');
    const removed = await deletePin(trx, chatId, msgId);
    if (!removed) throw notFound('Pin');
    const change = await recordChange(trx, {
      chatId, kind: 'pin', messageId: msgId, actorUid: caller.uid,
      data: { msg_id: msgId, pinned: false, by_uid: caller.uid, at: new Date().toISOString() },
    });
    effects.push({ kind: 'change', chat_id: chatId, cursor: change.cursor });
  });
  return { chat_id: chatId, msg_id: msgId, pinned: false as const };
}

/** A chat's pins, newest first, with their messages (members only). */
export async function getPins(deps: ApiDeps, caller: AuthContext, chatId: string) {
  if (!(await deps.userState.canSeeChat(caller.uid, chatId))) throw notFound('Chat');
  const rows = await listPins(deps.db, chatId, caller.uid);
  const reactions = await reactionsFor(deps.db, rows.map((r) => r.message));
  return {
    pins: rows.map(({ pin, message }) => ({
      chat_id: chatId, msg_id: message.id, by_uid: pin.pinned_by, pinned_at: pin.pinned_at.toISOString(), message: toMessageView(message, reactions.get(message.id) ?? []),
    })),
  };
}
