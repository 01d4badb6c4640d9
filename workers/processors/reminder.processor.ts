import { findMessage, findMessageAnywhere } from '../../shared/db/repositories/messages.repository.ts';
import { memberUids } from '../../shared/db/repositories/groups.repository.ts';
import { reminderJob } from '../../shared/queues/contracts.ts';
import { commitChange } from '../../shared/social/change-set.ts';
import { defineProcessor } from '../processor.ts';

/**
 * At a reminder's time: its mentioned people (or, without mentions, everyone in the chat), and its
 * sender, get `on_notify` reminder — unless it was recalled, or they block the sender or left. Each
 * person is reminded once per message, however often the job runs.
 */
export const reminderProcessor = defineProcessor(reminderJob, async (data, deps) => {
  // Reminders queued before their job named the chat look the message up by id alone.
  const message = data.chat_id === undefined ? await findMessageAnywhere(deps.db, data.msg_id) : await findMessage(deps.db, data.chat_id, data.msg_id);
  if (!message || message.recalled_at !== null) return { reminded: 0 };
  const members = new Set(await memberUids(deps.db, message.chat_id));
  const wanted = message.mentions.length > 0 ? [...message.mentions, message.sender_uid] : [...members];
  const recipients: string[] = [];
  for (const uid of new Set(wanted)) {
    if (members.has(uid) && !(await deps.userState.blocks(uid, message.sender_uid))) recipients.push(uid);
  }
  await commitChange(deps, (change) =>
    change.notify(
      recipients,
      'reminder',
      { chat_id: message.chat_id, msg_id: message.id, seq: Number(message.seq), by_uid: message.sender_uid, message: message.message },
      { onceKey: `reminder:${message.id}` },
    ),
  );
  return { reminded: recipients.length };
});
