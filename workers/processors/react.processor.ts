import { encodeFrame, type ServerFrames } from '../../shared/contracts/events.ts';
import { addReaction, findMessage, reactionsFor, removeReaction } from '../../shared/db/repositories/messages.repository.ts';
import { reactJob } from '../../shared/queues/contracts.ts';
import { defineProcessor, refuseJob } from '../processor.ts';
import { publishToChats } from '../../shared/delivery/fan-out.ts';

/** Adds or takes back one reaction of a member to a message they can see; everyone sees the new tally. */
export const reactProcessor = defineProcessor(reactJob, async (data, deps) => {
  const message = await findMessage(deps.db, data.msg_id);
  if (!message || message.chat_id !== data.chat_id || !(await deps.userState.canSeeMessage(data.uid, message))) {
    return refuseJob(404, 'not_found', 'Message not found');
  }
  if (data.action === 'add') await addReaction(deps.db, message.id, data.uid, data.emoji);
  else if (!(await removeReaction(deps.db, message.id, data.uid, data.emoji))) return refuseJob(404, 'not_found', 'You have no such reaction');
  const reactions = (await reactionsFor(deps.db, [message.id])).get(message.id) ?? [];
  const event: ServerFrames['on_reaction'] = { chat_id: message.chat_id, msg_id: message.id, seq: Number(message.seq), uid: data.uid, emoji: data.emoji, action: data.action === 'add' ? 'added' : 'removed', reactions };
  await publishToChats(deps, [{ chatId: message.chat_id, actorUid: data.uid, frame: encodeFrame('on_reaction', event) }]);
  return { chat_id: message.chat_id, msg_id: message.id, reactions };
});
