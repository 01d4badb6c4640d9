import { encodeFrame, publishAll } from '../../shared/contracts/events.ts';
import { controlJob } from '../../shared/queues/contracts.ts';
import { defineProcessor } from '../processor.ts';

/** Tells the realtime nodes holding a user's sockets about a change they must act on (revoked session, membership, blocks). */
export const controlProcessor = defineProcessor(controlJob, async (data, deps) => {
  await publishAll(deps.redis, deps.keys, [{ uid: data.uid, frame: encodeFrame(data.event, data.data) }]);
  return { published: true };
});
