import type { AuthContext } from '../../shared/auth/authenticate.ts';
import { reactJob, recallMessageJob } from '../../shared/queues/contracts.ts';
import type { ApiDeps } from '../deps.ts';
import { Reply } from '../http/route.ts';
import { runMessageJob } from './run-job.ts';

/** Recall goes through the workers like a send, so everyone who saw the message hears of it. */
export async function recall(deps: ApiDeps, caller: AuthContext, msgId: string): Promise<Reply> {
  const answer = await runMessageJob(deps, recallMessageJob, { uid: caller.uid, msg_id: msgId, requested_at: new Date().toISOString() }, `recall-${msgId}-${caller.uid}`);
  return answer.done ? new Reply(200, answer.value) : new Reply(202, { status: 'queued', msg_id: msgId });
}

export async function react(deps: ApiDeps, caller: AuthContext, chatId: string, msgId: string, emoji: string, action: 'add' | 'remove'): Promise<Reply> {
  const jobId = `react-${msgId}-${caller.uid}-${action}-${Buffer.from(emoji).toString('hex')}-${Date.now()}`;
  const answer = await runMessageJob(deps, reactJob, { uid: caller.uid, chat_id: chatId, msg_id: msgId, emoji, action }, jobId);
  return answer.done ? new Reply(200, answer.value) : new Reply(202, { status: 'queued', msg_id: msgId });
}
