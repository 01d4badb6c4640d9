import type { AuthContext } from '../../shared/auth/authenticate.ts';
import type { MessageView } from '../../shared/db/repositories/messages.repository.ts';
import { AppError, conflict } from '../../shared/errors.ts';
import { asStored } from '../../shared/validation/text.ts';
import type { SendRequest } from '../../shared/queues/contracts.ts';
import type { ApiDeps } from '../deps.ts';
import { Reply } from '../http/route.ts';
import { limitSend } from '../limits/user-limits.ts';
import { validateMarkdown } from '../../shared/validation/markdown.ts';
import type { SendMessageBody } from './messages.schema.ts';
import type { z } from 'zod';

type SendBody = z.infer<typeof SendMessageBody>;
type SendData = SendRequest;

const reused = () => conflict('client_generated_id_reused', 'This client_generated_id was used for a different message');

/**
 * Whether a stored message is the one this request describes (forwards carry their source's body).
 * The text is compared as the database stores it, so a first send can never look like a reuse.
 */
function describes(message: Pick<MessageView, 'chat_id' | 'message' | 'message_type' | 'format' | 'reply_to_id' | 'reply_root_id' | 'forwarded_from'>, data: SendData, replaced: boolean): boolean {
  const sameThread = message.chat_id === data.chat_id && message.reply_to_id === data.reply_to_id && message.reply_root_id === data.reply_root_id;
  if (data.forward_from_id !== null) return sameThread && message.forwarded_from === data.forward_from_id;
  // A text the moderation hook replaced is compared by the worker, against the replacement.
  const sameText = replaced || message.message === asStored(data.message);
  return sameThread && message.forwarded_from === null && sameText && message.message_type === data.message_type && message.format === data.format;
}

/**
 * Validates a send at the edge and hands it to the workers, batched with this process's other sends
 * (./send-batcher.ts). Answers 201 with the stored message when the worker answers within the wait,
 * 202 queued otherwise, and the gate's refusal as its 4xx. A retry with the same client_generated_id
 * gets the same message (the database holds one per sender and id); different content is 409.
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
  // A message already stored under this client_generated_id must be the one this request describes.
  if (!describes(outcome.message, data, outcome.replaced === true)) throw reused();
  return new Reply(201, outcome.message);
}
