import { z } from 'zod';
import { ControlEvent } from './control-events.ts';
import { RecordedWebhookEvent } from './webhooks.ts';

/**
 * What must follow a committed change, written as data in the change's own transaction (the
 * `outbox` table) and delivered after commit — at once by the process that committed, or later by
 * the workers' relay if that process stopped or Redis refused. Delivering an effect twice is
 * harmless: frames carry ids that clients dedupe, invalidations and control events are idempotent,
 * and jobs carry fixed ids. Effects of one change are delivered in order.
 */
const id = z.string().regex(/^[0-9]+$/);
const uid = z.string().regex(/^[0-9a-f]{32}$/);

export const Effect = z.discriminatedUnion('kind', [
  /** Drop cached access facts (shared/access/fact-cache.ts) made stale by the change. */
  z.object({ kind: z.literal('invalidate'), keys: z.array(z.string()).min(1) }),
  /** Api processes forget their cached token checks of this user (sessions ended or changed). */
  z.object({ kind: z.literal('sessions_changed'), uid }),
  /** A control event on the user's channel for the realtime nodes. */
  z.object({ kind: z.literal('control'), uid, control: ControlEvent }),
  /**
   * `on_message` of stored messages to everyone who may see them; reminders' timers. `chat_ids`, the
   * chats the messages are in, keeps their lookup to those chats' partitions (rows written before it
   * was named lack it). Send batches record `sent` now; this is delivered for rows recorded before.
   */
  z.object({ kind: z.literal('messages'), msg_ids: z.array(id).min(1), chat_ids: z.array(id).optional() }),
  /**
   * Messages a send batch stored: `on_message` to everyone who may see them, reminders' timers, the
   * pushes of their recipients' devices and their `message.created` webhook events. Written by the
   * store statement itself (shared/db/repositories/messages.repository.ts), in (chat, seq) order.
   */
  z.object({ kind: z.literal('sent'), msg_ids: z.array(id).min(1), chat_ids: z.array(id).min(1) }),
  /** `on_notify` of stored notifications to their recipients. */
  z.object({ kind: z.literal('notifications'), ids: z.array(id).min(1) }),
  /** A recorded change of a chat's change feed (an edit, recall, reaction or pin) as its frame, to the chat. */
  z.object({ kind: z.literal('change'), chat_id: id, cursor: z.number().int().min(1) }),
  /** `on_read` to the reader's devices and a direct chat's peer. */
  z.object({ kind: z.literal('read'), uid, chat_id: id, seq: z.number().int() }),
  /**
   * Pushes to the devices of the recipients of stored messages and notifications, who may be offline:
   * each becomes a delayed job that checks presence and settings when it runs (shared/push/).
   */
  z.object({ kind: z.literal('push'), msg_ids: z.array(id), chat_ids: z.array(id).optional(), notification_ids: z.array(id) }),
  /** Webhook events of the change, enqueued for every endpoint subscribed to them (shared/webhooks/). */
  z.object({ kind: z.literal('webhooks'), events: z.array(RecordedWebhookEvent).min(1) }),
  /** A BullMQ job (a timer); its fixed id makes a second enqueue a no-op. `run_at` is when it is due. */
  z.object({ kind: z.literal('job'), name: z.string(), data: z.record(z.string(), z.unknown()), job_id: z.string().min(1), run_at: z.iso.datetime().optional() }),
]);
export type Effect = z.infer<typeof Effect>;
export const Effects = z.array(Effect);
