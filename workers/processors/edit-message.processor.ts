import { recordChange } from '../../shared/db/repositories/chat-changes.repository.ts';
import { noteJobDone } from '../../shared/db/repositories/job-receipts.repository.ts';
import { editMessage, lockMessage } from '../../shared/db/repositories/message-edits.repository.ts';
import { findMessage, reactionsFor, toMessageView, type MessageRow } from '../../shared/db/repositories/messages.repository.ts';
import { commitWithEffects } from '../../shared/effects/outbox.ts';
import { webhookEvents } from '../../shared/webhooks/events.ts';
import { editMessageJob, type JobData } from '../../shared/queues/contracts.ts';
import { singleLine } from '../../shared/validation/fields.ts';
import { asStored } from '../../shared/validation/text.ts';
import type { WorkerDeps } from '../deps.ts';
import { defineProcessor, refuseJob } from '../processor.ts';
import { SEND_REFUSALS } from '../send/gate.ts';
import { moderateEdit } from '../send/moderation.ts';

const EMOTE = singleLine(64).min(1);

/**
 * A sender edits their own text or emote message: within `EDIT_WINDOW_SECONDS` of sending, not once
 * recalled, and only while they may still send to the chat (a muted member, or someone blocked in a
 * direct chat, cannot); the moderation hook is asked about the new text as about a send. The earlier text is kept as a version; the edit, its change-feed entry and
 * the `on_edit` push are one transaction, with the job's id noted in it, so a second run of the same
 * job answers the message instead of editing twice.
 */
export const editMessageProcessor = defineProcessor(editMessageJob, async (data, deps, job) => {
  const message = await findMessage(deps.db, data.chat_id, data.msg_id);
  if (!message || !(await deps.userState.member(message.chat_id, data.uid))) {
    return refuseJob(404, 'not_found', 'Message not found');
  }
  checkEditable(deps, message, data);
  const decision = await deps.userState.canSend(data.uid, message.chat_id);
  if (!decision.allowed) return refuseJob(403, decision.code, SEND_REFUSALS[decision.code]);
  const moderated = await moderateEdit(deps, { uid: data.uid, chat_id: message.chat_id, msg_id: message.id, message_type: message.message_type, format: data.format, message: data.message });
  if (moderated.kind === 'deny') return refuseJob(moderated.refusal);
  const text = moderated.kind === 'replace' ? moderated.message : data.message;

  const edited = await commitWithEffects(deps, async (trx, effects) => {
    const current = await lockMessage(trx, message.chat_id, message.id);
    if (!current) return refuseJob(404, 'not_found', 'Message not found');
    // A second run of this job (recovered after a crash past its commit) answers the message.
    if (job.id !== undefined && !(await noteJobDone(trx, job.id))) return current;
    if (current.recalled_at !== null) return refuseJob(409, 'message_recalled', 'A recalled message cannot be edited');
    if (current.message === asStored(text) && current.format === data.format) return current;
    const row = await editMessage(trx, current, { message: text, format: data.format });
    const change = await recordChange(trx, {
      chatId: row.chat_id,
      kind: 'edit',
      messageId: row.id,
      actorUid: row.sender_uid,
      data: { msg_id: row.id, seq: Number(row.seq), message: row.message, format: row.format, edited_at: (row.edited_at as Date).toISOString(), edit_count: row.edit_count },
    });
    effects.push({ kind: 'change', chat_id: change.chatId, cursor: change.cursor }, { kind: 'webhooks', events: [webhookEvents.messageEdited(row)] });
    return row;
  });
  return toMessageView(edited, (await reactionsFor(deps.db, [edited])).get(edited.id) ?? []);
});

/** The rules about the message itself, checked before the gate. */
function checkEditable(deps: WorkerDeps, message: MessageRow, data: JobData<typeof editMessageJob>): void {
  if (message.sender_uid !== data.uid) refuseJob(403, 'not_allowed', 'Only the sender may edit a message');
  if (message.recalled_at !== null) refuseJob(409, 'message_recalled', 'A recalled message cannot be edited');
  if (message.message_type !== 'text' && message.message_type !== 'emote') refuseJob(400, 'not_editable', 'Only text and emote messages can be edited');
  if (message.message_type === 'emote') {
    if (data.format !== 'plain') refuseJob(400, 'invalid_format', 'An emote is plain text');
    if (!EMOTE.safeParse(data.message).success) refuseJob(400, 'invalid_message', 'An emote is 1–64 characters on one line');
  }
  const window = deps.config.messages.editWindowSeconds;
  if (window > 0 && Date.parse(data.requested_at) - message.created_at.getTime() > window * 1000) {
    refuseJob(403, 'edit_window_passed', 'The time to edit this message has passed');
  }
}
