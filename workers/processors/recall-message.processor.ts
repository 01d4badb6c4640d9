import { findMessageAnywhere, recallMessage } from '../../shared/db/repositories/messages.repository.ts';
import { recordChange } from '../../shared/db/repositories/chat-changes.repository.ts';
import { deleteEdits } from '../../shared/db/repositories/message-edits.repository.ts';
import { deletePin } from '../../shared/db/repositories/pins.repository.ts';
import { commitWithEffects } from '../../shared/effects/outbox.ts';
import { recallMessageJob } from '../../shared/queues/contracts.ts';
import { webhookEvents } from '../../shared/webhooks/events.ts';
import { defineProcessor, refuseJob } from '../processor.ts';

/**
 * Recall: the sender within the recall window, or a group's owner and managers at any time. The
 * body and its earlier versions are erased, a pin is taken off, and everyone in the chat gets
 * `on_recall {chat_id, msg_id, seq, cursor}` (and `on_pin` when it was pinned), recorded in the chat's
 * change feed with the erasure in one transaction: a run that stops after the commit leaves the push to the relay, and a
 * second run finds the message recalled and answers the same.
 */
export const recallMessageProcessor = defineProcessor(recallMessageJob, async (data, deps) => {
  // The recall route names the message only, so this one lookup probes every partition's id index.
  const message = await findMessageAnywhere(deps.db, data.msg_id);
  const member = message ? await deps.userState.member(message.chat_id, data.uid) : null;
  if (!message || !member) return refuseJob(404, 'not_found', 'Message not found');
  const answer = { chat_id: message.chat_id, msg_id: message.id, seq: Number(message.seq), recalled: true as const };
  if (message.recalled_at !== null) return answer;

  const moderator = member.role === 'owner' || member.role === 'manager';
  if (!moderator) {
    if (message.sender_uid !== data.uid) return refuseJob(403, 'not_allowed', 'Only the sender, or the group\'s owner and managers, may recall this');
    const age = Date.parse(data.requested_at) - message.created_at.getTime();
    if (age > deps.config.messages.recallWindowSeconds * 1000) return refuseJob(403, 'recall_window_passed', 'The time to recall this message has passed');
  }
  await commitWithEffects(deps, async (trx, effects) => {
    // Recalled meanwhile by someone else: their recall carries the push.
    if (!(await recallMessage(trx, message.chat_id, message.id))) return;
    await deleteEdits(trx, message);
    const recall = await recordChange(trx, { chatId: message.chat_id, kind: 'recall', messageId: message.id, actorUid: message.sender_uid, data: { msg_id: message.id, seq: Number(message.seq) } });
    effects.push({ kind: 'change', chat_id: recall.chatId, cursor: recall.cursor }, { kind: 'webhooks', events: [webhookEvents.messageRecalled(message, data.uid)] });
    // A recalled message is unpinned too.
    const pin = await deletePin(trx, message.chat_id, message.id);
    if (pin) {
      const unpin = await recordChange(trx, {
        chatId: message.chat_id, kind: 'pin', messageId: message.id, actorUid: data.uid,
        data: { msg_id: message.id, pinned: false, by_uid: data.uid, at: new Date().toISOString() },
      });
      effects.push({ kind: 'change', chat_id: unpin.chatId, cursor: unpin.cursor });
    }
  });
  return answer;
});
