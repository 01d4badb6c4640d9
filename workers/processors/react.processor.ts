import { addReaction, findMessage, reactionsFor, removeReaction } from '../../shared/db/repositories/messages.repository.ts';
import { noteJobDone } from '../../shared/db/repositories/job-receipts.repository.ts';
import { lockChatForChange, recordChange } from '../../shared/db/repositories/chat-changes.repository.ts';
import { commitWithEffects } from '../../shared/effects/outbox.ts';
import { reactJob } from '../../shared/queues/contracts.ts';
import { webhookEvents } from '../../shared/webhooks/events.ts';
import { defineProcessor, refuseJob } from '../processor.ts';

/**
 * Adds or takes back one reaction of a member to a message they can see; everyone sees the new
 * tally. The change, its change-feed entry (with the tally), the tally answered and the
 * `on_reaction` push are one transaction, so nothing after the commit can fail the job, and the
 * job's id is noted in that transaction: a run that a crash cut short after its commit is re-run
 * by BullMQ into the same answer, never a 404 for a removal that happened; the push is left to the
 * relay.
 */
export const reactProcessor = defineProcessor(reactJob, async (data, deps, job) => {
  const message = await findMessage(deps.db, data.chat_id, data.msg_id);
  if (!message || !(await deps.userState.canSeeMessage(data.uid, message))) {
    return refuseJob(404, 'not_found', 'Message not found');
  }
  const reactions = await commitWithEffects(deps, async (trx, effects) => {
    const tally = async () => (await reactionsFor(trx, [message])).get(message.id) ?? [];
    // A second run of this job (recovered after a crash past its commit) answers the tally.
    if (job.id !== undefined && !(await noteJobDone(trx, job.id))) return tally();
    const changed = data.action === 'add' ? await addReaction(trx, message, data.uid, data.emoji) : await removeReaction(trx, message, data.uid, data.emoji);
    if (!changed && data.action === 'remove') return refuseJob(404, 'not_found', 'You have no such reaction');
    // Under the chat's lock every earlier change has committed: the tally recorded includes them.
    if (changed) await lockChatForChange(trx, message.chat_id);
    const reactions = await tally();
    if (changed) {
      const change = await recordChange(trx, {
        chatId: message.chat_id, kind: 'reaction', messageId: message.id, actorUid: data.uid,
        data: { msg_id: message.id, seq: Number(message.seq), uid: data.uid, emoji: data.emoji, action: data.action === 'add' ? 'added' : 'removed', reactions },
      });
      effects.push(
        { kind: 'change', chat_id: change.chatId, cursor: change.cursor },
        { kind: 'webhooks', events: [webhookEvents.reactionChanged(message, data.uid, data.emoji, data.action === 'add' ? 'added' : 'removed')] },
      );
    }
    return reactions;
  });
  return { chat_id: message.chat_id, msg_id: message.id, reactions };
});
