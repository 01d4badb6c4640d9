import { addReaction, findMessage, reactionsFor, removeReaction } from '../../shared/db/repositories/messages.repository.ts';
import { commitWithEffects } from '../../shared/effects/outbox.ts';
import { reactJob } from '../../shared/queues/contracts.ts';
import { defineProcessor, refuseJob } from '../processor.ts';

/**
 * Adds or takes back one reaction of a member to a message they can see; everyone sees the new
 * tally. The change, the tally answered and the `on_reaction` push are one transaction, so nothing
 * after the commit can fail the job: a run that stops there is never retried into a 404 for a
 * removal that happened, and the push is left to the relay.
 */
export const reactProcessor = defineProcessor(reactJob, async (data, deps) => {
  const message = await findMessage(deps.db, data.msg_id);
  if (!message || message.chat_id !== data.chat_id || !(await deps.userState.canSeeMessage(data.uid, message))) {
    return refuseJob(404, 'not_found', 'Message not found');
  }
  const reactions = await commitWithEffects(deps, async (trx, effects) => {
    if (data.action === 'add') {
      if (await addReaction(trx, message.id, data.uid, data.emoji)) effects.push({ kind: 'reaction', msg_id: message.id, uid: data.uid, emoji: data.emoji, action: 'added' });
    } else if (await removeReaction(trx, message.id, data.uid, data.emoji)) {
      effects.push({ kind: 'reaction', msg_id: message.id, uid: data.uid, emoji: data.emoji, action: 'removed' });
    } else {
      return refuseJob(404, 'not_found', 'You have no such reaction');
    }
    return (await reactionsFor(trx, [message.id])).get(message.id) ?? [];
  });
  return { chat_id: message.chat_id, msg_id: message.id, reactions };
});
