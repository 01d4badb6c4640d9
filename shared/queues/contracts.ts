import { z } from 'zod';
import { Fid } from '../validation/ids.ts';

/**
 * Every BullMQ job the product runs: its queue, its name and the schema of its data, declared once.
 * Producers parse data before enqueueing and processors parse it again before acting, so a job
 * written by an older or buggy producer fails loudly instead of half-working.
 */
export const QUEUE_NAMES = ['system', 'messages', 'notifications', 'timers', 'media'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

export interface JobContract<S extends z.ZodType = z.ZodType> {
  queue: QueueName;
  name: string;
  schema: S;
}

function defineJob<S extends z.ZodType>(queue: QueueName, name: string, schema: S): JobContract<S> {
  return { queue, name, schema };
}

/**
 * A round trip through Redis and a worker: proves the queue path is alive. `work_ms` makes the
 * worker hold the job that long, so operators and tests can watch a drain finish work in progress.
 */
export const pingJob = defineJob('system', 'ping', z.object({ sent_at: z.iso.datetime(), work_ms: z.number().int().min(0).max(10_000).optional() }));

/** Pushes stored notifications to their recipients' sockets (as `on_notify`). */
export const deliverNotificationsJob = defineJob(
  'notifications',
  'deliver-notifications',
  z.object({
    notifications: z.array(z.object({ id: z.string(), uid: z.string(), type: z.string(), data: z.record(z.string(), z.unknown()), created_at: z.iso.datetime() })).min(1),
  }),
);

/** Fires when a member's mute should end: clears it (if still due) and tells them. */
export const liftMuteJob = defineJob(
  'timers',
  'lift-mute',
  z.object({ chat_id: z.string(), group_id: z.string(), uid: z.string(), until: z.iso.datetime() }),
);

const uid = z.string().regex(/^[0-9a-f]{32}$/);
const id = z.string().regex(/^[0-9]+$/);

/**
 * A message to gate, persist and publish. Its BullMQ job id is derived from (sender,
 * client_generated_id), so the same send enqueued twice is one job.
 */
export const sendMessageJob = defineJob(
  'messages',
  'send-message',
  z.object({
    sender_uid: uid,
    client_key: z.string(),
    chat_id: id,
    client_generated_id: z.string(),
    message: z.string(),
    message_type: z.enum(['text', 'emote', 'image', 'file', 'reminder']),
    format: z.enum(['plain', 'markdown']),
    reply_to_id: id.nullable(),
    reply_root_id: id.nullable(),
    forward_from_id: id.nullable(),
    mentions: z.array(uid),
    remind_at: z.iso.datetime().nullable(),
    accepted_at: z.iso.datetime(),
  }),
);

export const recallMessageJob = defineJob('messages', 'recall-message', z.object({ uid, msg_id: id, requested_at: z.iso.datetime() }));

export const reactJob = defineJob(
  'messages',
  'react',
  z.object({ uid, chat_id: id, msg_id: id, emoji: z.string(), action: z.enum(['add', 'remove']) }),
);

/** Tells readers of a chat that someone read up to a seq (their other devices, and a direct chat's peer). */
export const publishReadJob = defineJob('messages', 'publish-read', z.object({ uid, chat_id: id, seq: z.number().int() }));

/** Instructions for realtime nodes about one user's sockets (never forwarded to clients). */
export const controlJob = defineJob(
  'notifications',
  'control',
  z.object({ uid, event: z.enum(['_session_revoked', '_membership', '_blocks']), data: z.record(z.string(), z.unknown()) }),
);

/** Every few minutes: removes the stored objects of uploads abandoned midway (their api stopped). */
export const sweepUploadsJob = defineJob('timers', 'sweep-uploads', z.object({}));

/** At `remind_at`, tells a reminder's mentioned people (or every member) with `on_notify` reminder. */
export const reminderJob = defineJob('timers', 'reminder', z.object({ msg_id: id }));

/**
 * Makes the thumbnails of one uploaded raster image (`shared/media/thumbnails.ts`). Enqueued after
 * the upload is recorded and again by a thumbnail request that finds none yet; its job id is derived
 * from the fid, so a file is worked on by one job at a time.
 */
export const makeThumbnailsJob = defineJob('media', 'make-thumbnails', z.object({ fid: Fid }));

export type JobData<C extends JobContract> = z.infer<C['schema']>;
