import type { PushPayload } from '../../shared/contracts/push.ts';
import { liveSubscriptionsOf } from '../../shared/db/repositories/push-subscriptions.repository.ts';
import { pushDeliverJob } from '../../shared/queues/contracts.ts';
import { enqueueBulk } from '../../shared/queues/producer.ts';
import { PUSH_JOB_OPTIONS } from '../../shared/push/schedule-pushes.ts';
import type { WorkerDeps } from '../deps.ts';

/** Attempts of one push to one device, spaced by the `push` backoff (the service's Retry-After, else exponential). */
export const DELIVER_JOB_OPTIONS = { ...PUSH_JOB_OPTIONS, attempts: 8, backoff: { type: 'push' } };

/**
 * One delivery job per live device of the user. Job ids are derived from `pushKey`, which names what
 * is pushed, so composing the same push again (a retry, a job recovered after a crash, two jobs of
 * one chat racing) adds no second push.
 */
export async function deliverToDevices(deps: WorkerDeps, uid: string, payload: PushPayload, pushKey: string): Promise<number> {
  const devices = await liveSubscriptionsOf(deps.db, uid);
  await enqueueBulk(
    deps.queues,
    pushDeliverJob,
    devices.map((device) => ({ data: { subscription_id: device.id, uid, payload }, options: { ...DELIVER_JOB_OPTIONS, jobId: `push-deliver.${device.id}.${pushKey}` } })),
  );
  return devices.length;
}
