import { findChatSettings } from '../../shared/db/repositories/chat-settings.repository.ts';
import { findNotifications } from '../../shared/db/repositories/notifications.repository.ts';
import { chatName, displayName } from '../../shared/db/repositories/push-gate.repository.ts';
import { isOnline } from '../../shared/push/presence-check.ts';
import { pushNotificationJob } from '../../shared/queues/contracts.ts';
import { defineProcessor } from '../processor.ts';
import { skipPush } from '../push/skip-push.ts';
import { composeNotificationPush } from '../push/compose-push.ts';
import { deliverToDevices } from '../push/deliver-to-devices.ts';

/**
 * `PUSH_DELAY_MS` after a friend request, an invitation to a group or a reminder: if the user is
 * still offline, does not block the person behind it and (for a reminder) has not silenced the
 * chat, one push per device.
 */
export const pushNotificationProcessor = defineProcessor(pushNotificationJob, async (data, deps) => {
  const [notification] = await findNotifications(deps.db, [data.notification_id]);
  if (!notification || notification.uid !== data.uid) return skipPush(deps, 'gone');
  if (await isOnline(deps.redis, deps.keys, data.uid)) return skipPush(deps, 'online');
  const fields = notification.data as Record<string, unknown>;
  const byUid = typeof fields.from_uid === 'string' ? fields.from_uid : typeof fields.by_uid === 'string' ? fields.by_uid : null;
  if (byUid && (await deps.userState.blocks(data.uid, byUid))) return skipPush(deps, 'blocked');
  const chatId = typeof fields.chat_id === 'string' ? fields.chat_id : null;
  if (notification.type === 'reminder' && chatId) {
    const settings = await findChatSettings(deps.db, chatId, data.uid);
    if (settings.notifications === 'none') return skipPush(deps, 'notifications_none');
    if (settings.muted_until && settings.muted_until.getTime() > Date.now()) return skipPush(deps, 'muted');
  }
  const payload = composeNotificationPush({
    notification,
    byName: byUid ? await displayName(deps.db, byUid) : 'Someone',
    chatName: chatId ? await chatName(deps.db, chatId) : null,
    previews: deps.config.push.previews,
  });
  return { pushed: await deliverToDevices(deps, data.uid, payload, `notification.${notification.id}`) };
});
