import { toMessageView, type MessageRow } from '../db/repositories/messages.repository.ts';
import type { NotificationRow } from '../db/repositories/notifications.repository.ts';
import { encodeFrame, notificationFrame } from '../contracts/events.ts';
import { reminderJob } from '../queues/contracts.ts';
import { enqueue, type Queues } from '../queues/producer.ts';
import { publishToChats, type FanOutDeps } from './fan-out.ts';

/**
 * Pushes stored messages as `on_message`, their mentions as `on_notify`, and starts reminders' timers
 * (fixed job ids: a second call enqueues nothing new).
 */
export async function publishMessages(
  deps: FanOutDeps & { queues: Queues },
  messages: readonly MessageRow[],
  mentions: readonly NotificationRow[],
): Promise<void> {
  await publishToChats(
    deps,
    messages.map((m) => ({ chatId: m.chat_id, actorUid: m.sender_uid, frame: encodeFrame('on_message', toMessageView(m)) })),
    mentions.map((n) => ({ uid: n.uid, frame: notificationFrame(n) })),
  );
  for (const message of messages) {
    if (message.message_type !== 'reminder' || !message.remind_at || message.recalled_at) continue;
    const delay = Math.max(0, message.remind_at.getTime() - Date.now());
    await enqueue(deps.queues, reminderJob, { msg_id: message.id, chat_id: message.chat_id }, { delay, jobId: `reminder-${message.id}` });
  }
}
