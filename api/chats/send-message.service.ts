import type { AuthContext } from '../../shared/auth/authenticate.ts';
import { AppError } from '../../shared/errors.ts';
import type { SendRequest } from '../../shared/queues/contracts.ts';
import type { ApiDeps } from '../deps.ts';
import { Reply } from '../http/route.ts';
import { limitSend } from '../limits/user-limits.ts';
import { validateMarkdown } from '../../shared/validation/markdown.ts';
import type { SendMessageBody } from './messages.schema.ts';
import type { z } from 'zod';

type SendBody = z.infer<typeof SendMessageBody>;
type SendData = SendRequest;

/**
 * Validates a send at the edge and hands it to the workers, batched with this process's other sends
 * (./send-batcher.ts). Answers 201 with the stored message when the worker answers within the wait,
 * 202 queued otherwise, and the gate's refusal as its 4xx. A retry with the same client_generated_id
 * gets the same message (the database holds one per sender and id); different content is 409, as
 * the worker compares it with the stored message (workers/send/persist.ts).
 */
export async function sendMessage(deps: ApiDeps, caller: AuthContext, chatId: string, body: SendBody): Promise<Reply> {
  if (body.format === 'markdown' && body.message !== undefined) validateMarkdown(body.message);
  const data: SendData = {
    sender_uid: caller.uid,
    client_key: caller.clientKey,
    chat_id: chatId,
    client_generated_id: body.client_generated_id,
    message: body.message ?? '',
    message_type: body.message_type ?? 'text',
    format: body.format ?? 'plain',
    reply_to_id: body.reply_to_id ?? null,
    reply_root_id: body.reply_root_id ?? null,
    forward_from_id: body.forward_from_id ?? null,
    mentions: body.mentions ?? [],
    remind_at: body.remind_at ?? null,
    accepted_at: new Date().toISOString(),
  };

  await limitSend(deps, caller.uid);
  const outcome = await deps.sendBatcher.send(data);
  if (outcome === null) return new Reply(202, { status: 'queued', client_generated_id: body.client_generated_id });
  if (outcome.kind === 'refused') throw new AppError(outcome.refusal.status, outcome.refusal.code, outcome.refusal.message, outcome.refusal.details);
  if (outcome.kind === 'failed') throw new Error(`send failed: ${outcome.reason}`);
  return new Reply(201, outcome.message);
}
