import { z } from 'zod';
import { JobRefusal } from './job-outcomes.ts';
import { MessageObject } from './messages.ts';

/**
 * What a worker tells the api about the sends of one `send-batch` job (shared/queues/contracts.ts),
 * published on the channel the job names: each settled send by its `ref`. A send is settled once:
 * stored (new or found stored), refused (a gate, moderation, or a client_generated_id reused for
 * other content), or failed for good after its last attempt.
 */
export const SettledSend = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('stored'),
    status: z.enum(['created', 'existing']),
    /** As stored: with the moderation hook's replacement when it replaced the text sent. */
    message: MessageObject,
  }),
  z.object({ kind: z.literal('refused'), refusal: JobRefusal }),
  z.object({ kind: z.literal('failed'), reason: z.string() }),
]);
export type SettledSend = z.infer<typeof SettledSend>;

export const SendReplies = z.object({
  job_id: z.string().min(1),
  replies: z.array(z.object({ ref: z.number().int().min(0), outcome: SettledSend })),
});
export type SendReplies = z.infer<typeof SendReplies>;
