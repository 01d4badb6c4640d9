import type { AuthContext } from '../../shared/auth/authenticate.ts';
import { listEdits } from '../../shared/db/repositories/message-edits.repository.ts';
import { findMessage } from '../../shared/db/repositories/messages.repository.ts';
import { notFound } from '../../shared/errors.ts';
import { editMessageJob } from '../../shared/queues/contracts.ts';
import type { ApiDeps } from '../deps.ts';
import { Reply } from '../http/route.ts';
import { limitSend } from '../limits/user-limits.ts';
import { validateMarkdown } from '../../shared/validation/markdown.ts';
import { runMessageJob } from './run-job.ts';

/**
 * An edit goes through the workers like a send: the gate decides, the worker stores the new text and
 * pushes `on_edit`. 200 with the message when it finishes within the wait, 202 queued otherwise.
 */
export async function editMessage(deps: ApiDeps, caller: AuthContext, chatId: string, msgId: string, body: { message: string; format?: 'plain' | 'markdown' | undefined }): Promise<Reply> {
  const format = body.format ?? 'plain';
  if (format === 'markdown') validateMarkdown(body.message);
  await limitSend(deps, caller.uid);
  const requestedAt = new Date().toISOString();
  const jobId = `edit-${msgId}-${caller.uid}-${Date.now()}-${Math.random().toString(36).slice(2, 10)}`;
  const answer = await runMessageJob(deps, editMessageJob, { uid: caller.uid, chat_id: chatId, msg_id: msgId, message: body.message, format, requested_at: requestedAt }, jobId);
  return answer.done ? new Reply(200, answer.value) : new Reply(202, { status: 'queued', msg_id: msgId });
}

/** A message's earlier versions, for whoever may see the message (a recalled one keeps none). */
export async function getEdits(deps: ApiDeps, caller: AuthContext, chatId: string, msgId: string) {
  const message = await findMessage(deps.db, chatId, msgId);
  if (!message || !(await deps.userState.canSeeMessage(caller.uid, message))) throw notFound('Message');
  const edits = await listEdits(deps.db, message);
  return {
    chat_id: chatId,
    msg_id: message.id,
    edits: edits.map((e) => ({ version: e.version, message: e.message, format: e.format, written_at: e.written_at.toISOString(), replaced_at: e.replaced_at.toISOString() })),
  };
}
