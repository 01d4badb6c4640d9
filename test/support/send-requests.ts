import { randomBytes } from 'node:crypto';
import type { SendRequest } from '../../shared/queues/contracts.ts';

/** A plain text send as the api hands it to the workers (shared/queues/contracts.ts), with a fresh client_generated_id. */
export function textSendRequest(fields: Pick<SendRequest, 'sender_uid' | 'client_key' | 'chat_id' | 'message'> & Partial<SendRequest>): SendRequest {
  return {
    client_generated_id: `sr-${randomBytes(6).toString('hex')}`,
    message_type: 'text',
    format: 'plain',
    reply_to_id: null,
    reply_root_id: null,
    forward_from_id: null,
    mentions: [],
    remind_at: null,
    accepted_at: new Date().toISOString(),
    ...fields,
  };
}
