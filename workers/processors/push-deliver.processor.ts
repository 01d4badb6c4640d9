import { UnrecoverableError } from 'bullmq';
import { PushPayload } from '../../shared/contracts/push.ts';
import { findLiveSubscription, forgetPushSubscription } from '../../shared/db/repositories/push-subscriptions.repository.ts';
import { DeviceGoneError, ProviderNotConfiguredError, PushRefusedError } from '../../shared/push/providers/push-provider.ts';
import { pushDeliverJob } from '../../shared/queues/contracts.ts';
import { defineProcessor } from '../processor.ts';

/**
 * Sends one push to one device. A device whose session ended, or that another user registered since, is skipped; one the push service says
 * is gone (404/410) is forgotten; 429 and 5xx fail the attempt and it is retried after the service's
 * `Retry-After` (else with exponential backoff); any other refusal is final.
 */
export const pushDeliverProcessor = defineProcessor(pushDeliverJob, async (data, deps) => {
  const device = await findLiveSubscription(deps.db, data.subscription_id);
  // Gone, its session ended, or registered since by someone else (the payload is not theirs).
  if (!device || device.uid !== data.uid) return { sent: false, reason: 'no_device' };
  const payload = PushPayload.parse(data.payload);
  const collapseKey = payload.type === 'messages' ? `chat-${payload.chat_id}` : `notification-${payload.notification_id}`;
  const counted = (outcome: 'sent' | 'device_gone' | 'retry' | 'refused') => deps.metrics.push.devicePushes.inc({ provider: device.kind, outcome });
  try {
    await deps.push.get(device.kind).send(device, payload, { collapseKey });
  } catch (err) {
    if (err instanceof DeviceGoneError) {
      counted('device_gone');
      await forgetPushSubscription(deps.db, device.id, device.address);
      return { sent: false, reason: 'device_gone' };
    }
    if (err instanceof PushRefusedError || err instanceof ProviderNotConfiguredError) {
      counted('refused');
      throw new UnrecoverableError(err.message);
    }
    counted('retry');
    throw err;
  }
  counted('sent');
  return { sent: true };
});
