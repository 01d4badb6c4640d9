import { liftMuteIfDue } from '../../shared/db/repositories/groups.repository.ts';
import { liftMuteJob } from '../../shared/queues/contracts.ts';
import { commitChange } from '../../shared/social/change-set.ts';
import { defineProcessor } from '../processor.ts';

/**
 * Ends a mute when it is due. A mute changed since this job was scheduled (lifted early, or set to
 * a new end) no longer matches `until`, and the job does nothing.
 */
export const liftMuteProcessor = defineProcessor(liftMuteJob, async (data, deps) => {
  const lifted = await commitChange(deps, async (change) => {
    if (!(await liftMuteIfDue(change.trx, data.chat_id, data.uid, new Date(data.until)))) return false;
    change.touchMember(data.chat_id, data.uid);
    await change.notify(data.uid, 'unmuted', { group_id: data.group_id });
    return true;
  });
  return { lifted };
});
