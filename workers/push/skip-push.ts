import type { WorkerDeps } from '../deps.ts';

export type SkipReason = 'online' | 'muted' | 'notifications_none' | 'nothing_new' | 'blocked' | 'not_member' | 'gone';

/** A push job's gate said no: counted by reason, and the reason is the job's result. */
export function skipPush(deps: WorkerDeps, reason: SkipReason) {
  deps.metrics.push.pushesSkipped.inc({ reason });
  return { pushed: 0, reason };
}
