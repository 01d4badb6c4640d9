import { z } from 'zod';
import { ClientKey, Fid, NumericId, Uid } from '../validation/ids.ts';
import { MessageObject, Reaction } from '../contracts/messages.ts';
import { WebhookEvent } from '../contracts/webhooks.ts';

/**
 * Every BullMQ job the product runs: its queue, its name and the schema of its data, declared once.
 * Producers parse data before enqueueing and processors parse it again before acting, so a job
 * written by an older or buggy producer fails loudly instead of half-working.
 */
export const QUEUE_NAMES = ['system', 'messages', 'message-actions', 'notifications', 'timers', 'media', 'push', 'webhooks'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

export interface JobContract<S extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  queue: QueueName;
  name: string;
  schema: S;
  /** What the job hands back when it succeeds (its BullMQ return value); the api parses it. */
  result: R;
  /** The queue an earlier release enqueued these jobs on: its workers still run the ones waiting there. */
  formerQueue?: QueueName;
}

function defineJob<S extends z.ZodType, R extends z.ZodType = z.ZodUnknown>(queue: QueueName, name: string, schema: S, result?: R): JobContract<S, R> {
  return { queue, name, schema, result: (result ?? z.unknown()) as R };
}

/** A job an earlier release enqueued on `formerQueue`. */
const movedFrom = <C extends JobContract>(formerQueue: QueueName, contract: C): C => ({ ...contract, formerQueue });

/**
 * A round trip through Redis and a worker: proves the queue path is alive. `work_ms` makes the
 * worker hold the job that long, so operators and tests can watch a drain finish work in progress.
 */
export const pingJob = defineJob('system', 'ping', z.object({ sent_at: z.iso.datetime(), work_ms: z.number().int().min(0).max(10_000).optional() }));

/** Fires when a member's mute should end: clears it (if still due) and tells them. */
export const liftMuteJob = defineJob(
  'timers',
  'lift-mute',
  z.object({ chat_id: z.string(), group_id: z.string(), uid: z.string(), until: z.iso.datetime() }),
);

const uid = Uid;
// Ids within PostgreSQL's bigint: a job naming one beyond it fails at parse, before any query.
const id = NumericId;

/** One send as the api accepted it: what the workers gate, persist and publish. */
export const SendRequest = z.object({
  sender_uid: uid,
  // The session the send was accepted under, as its token names it: checked again when the send is gated.
  client_key: ClientKey,
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
});
export type SendRequest = z.infer<typeof SendRequest>;

/**
 * A message to gate, persist and publish, enqueued alone by an api of an earlier release (the api
 * now enqueues `send-batch`); the workers still run it, so nothing queued before an upgrade is lost.
 * Its BullMQ job id is derived from (sender, client_generated_id).
 */
export const sendMessageJob = defineJob(
  'messages',
  'send-message',
  SendRequest,
  // `replaced`: the moderation hook replaced the text sent; the message holds its replacement.
  z.object({ status: z.enum(['created', 'existing']), message: MessageObject, replaced: z.literal(true).optional() }),
);

/** The most sends one `send-batch` job carries (API_SEND_BATCH_MAX is held to it). */
export const SEND_BATCH_MAX_SENDS = 1000;

/**
 * The sends one api process accepted within a few milliseconds for chats of one queue partition, as
 * one job. Each send carries `ref`, the api's handle on the waiting request; the worker answers each
 * on the api's `reply_to` channel (shared/contracts/send-replies.ts) as soon as it is settled. The job
 * id is new for every batch: a repeated send is recognised by the database (unique sender and
 * client_generated_id), not by BullMQ. When some sends fail for a transient reason the job keeps only
 * those and retries; the settled ones are never run again.
 */
export const sendBatchJob = defineJob(
  'messages',
  'send-batch',
  z.object({
    /** A chat of the batch: it names the partition, which every chat of the batch shares. */
    chat_id: id,
    reply_to: z.string().min(1),
    sends: z.array(SendRequest.extend({ ref: z.number().int().min(0) })).min(1).max(SEND_BATCH_MAX_SENDS),
  }),
  z.object({ created: z.number().int(), existing: z.number().int(), refused: z.number().int() }),
);

/*
 * A person's actions on stored messages (recall, reactions, edits): the api waits for each one's
 * outcome on its queue's events, so they have a queue of their own, apart from the sends (answered on
 * the api's reply channel), whose events nobody reads.
 */
export const recallMessageJob = movedFrom('messages', defineJob(
  'message-actions',
  'recall-message',
  z.object({ uid, msg_id: id, requested_at: z.iso.datetime() }),
  z.object({ chat_id: id, msg_id: id, seq: z.number().int(), recalled: z.literal(true) }),
));

export const reactJob = movedFrom('messages', defineJob(
  'message-actions',
  'react',
  z.object({ uid, chat_id: id, msg_id: id, emoji: z.string(), action: z.enum(['add', 'remove']) }),
  z.object({ chat_id: id, msg_id: id, reactions: z.array(Reaction) }),
));

/**
 * A sender's edit of a text or emote message, gated like a send. The api gives each request its own
 * job id; the worker notes it with the edit, so a job run twice edits once.
 */
export const editMessageJob = movedFrom('messages', defineJob(
  'message-actions',
  'edit-message',
  z.object({ uid, chat_id: id, msg_id: id, message: z.string(), format: z.enum(['plain', 'markdown']), requested_at: z.iso.datetime() }),
  MessageObject,
));

/** Every few minutes: removes the stored objects of uploads abandoned midway (their api stopped). */
export const sweepUploadsJob = defineJob('timers', 'sweep-uploads', z.object({}));

/** At `remind_at`, tells a reminder's mentioned people (or every member) with `on_notify` reminder. */
export const reminderJob = defineJob('timers', 'reminder', z.object({ msg_id: id, chat_id: id.optional() }));

/**
 * Makes the thumbnails of one uploaded raster image (`shared/media/thumbnails.ts`). Enqueued after
 * the upload is recorded and again by a thumbnail request that finds none yet; its job id is derived
 * from the fid, so a file is worked on by one job at a time.
 */
export const makeThumbnailsJob = defineJob(
  'media',
  'make-thumbnails',
  z.object({ fid: Fid }),
  z.object({ state: z.enum(['ready', 'failed', 'skipped']) }),
);

/**
 * After `PUSH_DELAY_MS`: if the user is still offline, one push per device of the messages of a chat
 * they have neither read nor been pushed. Its job id names (user, chat, window of `PUSH_DELAY_MS`), so
 * later messages of the window join the pending job instead of adding pushes.
 */
export const pushChatJob = defineJob('push', 'push-chat', z.object({ uid, chat_id: id }));

/** After `PUSH_DELAY_MS`: if the user is still offline, a push of one stored notification to each device. */
export const pushNotificationJob = defineJob('push', 'push-notification', z.object({ uid, notification_id: id }));

/** Sends one push to one device; retried with backoff (and the push service's `Retry-After`). */
export const pushDeliverJob = defineJob('push', 'push-deliver', z.object({ subscription_id: id, uid, payload: z.record(z.string(), z.unknown()) }));

/**
 * Delivers one event to one endpoint (shared/webhooks/). Its job id is derived from (endpoint,
 * event id), so enqueueing an event twice is one job. `order` places it in its stream: the outbox
 * row that recorded it and its position there.
 */
export const deliverWebhookJob = defineJob(
  'webhooks',
  'deliver-webhook',
  z.object({
    endpoint_id: z.string().min(1),
    event: WebhookEvent,
    stream: z.string().min(1).nullable(),
    order: z.object({ outbox_id: id, position: z.number().int().min(0) }),
  }),
  z.object({ status: z.enum(['delivered', 'endpoint_gone']), answered: z.number().int().optional() }),
);

export type JobData<C extends JobContract> = z.infer<C['schema']>;
export type JobResult<C extends JobContract> = z.infer<C['result']>;

/** Timers a change may start after it commits (an effect names them; see shared/contracts/effects.ts). */
const TIMER_JOBS = new Map<string, JobContract>([liftMuteJob, reminderJob].map((c) => [c.name, c]));

export function timerJobByName(name: string): JobContract {
  const contract = TIMER_JOBS.get(name);
  if (!contract) throw new Error(`no timer job named "${name}"`);
  return contract;
}
