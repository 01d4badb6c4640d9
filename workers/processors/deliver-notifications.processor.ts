import { notificationFrame, publishAll } from '../../shared/contracts/events.ts';
import { deliverNotificationsJob } from '../../shared/queues/contracts.ts';
import { defineProcessor } from '../processor.ts';

/** Pushes stored notifications to their recipients' sockets as `on_notify`. */
export const deliverNotificationsProcessor = defineProcessor(deliverNotificationsJob, async (data, deps) => {
  await publishAll(
    deps.redis,
    deps.keys,
    data.notifications.map((n) => ({ uid: n.uid, frame: notificationFrame(n) })),
  );
  return { delivered: data.notifications.length };
});
