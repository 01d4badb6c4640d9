import type { JobsOptions } from 'bullmq';
import { PUSHED_NOTIFICATION_TYPES } from '../contracts/push.ts';
import type { Db } from '../db/knex.ts';
import { findMessages, type MessageRow } from '../db/repositories/messages.repository.ts';
import { findNotifications, type NotificationRow } from '../db/repositories/notifications.repository.ts';
import { membersWithDevices, usersWithDevices } from '../db/repositories/push-subscriptions.repository.ts';
import { pushChatJob, pushNotificationJob } from '../queues/contracts.ts';
import { enqueueBulk, type Queues } from '../queues/producer.ts';

export interface ScheduleDeps {
  db: Db;
  queues: Queues;
  pushDelayMs: number;
}

/** Push jobs are kept a while after they end, so the same effect delivered again adds nothing. */
export const PUSH_JOB_OPTIONS: JobsOptions = { removeOnComplete: { age: 3600, count: 50_000 }, removeOnFail: { age: 24 * 3600 } };

/**
 * The window of `PUSH_DELAY_MS` a change falls in. Every message of one (user, chat) window maps to
 * one job id, so later messages join the pending job; the job fires one delay after the change, so
 * a message arriving while it runs belongs to a later window and is never dropped.
 */
export function pushWindow(at: Date, delayMs: number): number {
  return Math.floor(at.getTime() / Math.max(delayMs, 1));
}

const BULK = 500;

const delayFrom = (at: Date, delayMs: number) => Math.max(0, at.getTime() + delayMs - Date.now());

type StoredMessage = Pick<MessageRow, 'chat_id' | 'sender_uid' | 'created_at'>;
type StoredNotification = Pick<NotificationRow, 'id' | 'uid' | 'type' | 'created_at'>;

/** The push effect: the rows it names, as they are now (rows deleted since push nothing). */
export async function schedulePushesFor(
  deps: ScheduleDeps,
  messageIds: { ids: readonly string[]; chatIds?: readonly string[] | undefined },
  notificationIds: readonly string[],
): Promise<void> {
  const messages = messageIds.ids.length > 0 ? await findMessages(deps.db, messageIds.ids, messageIds.chatIds) : [];
  await schedulePushes(deps, messages, await findNotifications(deps.db, notificationIds));
}

/**
 * Turns stored messages and notifications into delayed push jobs for their recipients who have a
 * device. Whether each is still offline, has muted the chat or blocks the sender is decided when the
 * job runs. Safe to repeat: job ids are fixed.
 */
export async function schedulePushes(deps: ScheduleDeps, messages: readonly StoredMessage[], notifications: readonly StoredNotification[]): Promise<void> {
  const { db, queues, pushDelayMs } = deps;
  if (messages.length > 0) {
    const chats = new Map<string, { at: Date; senders: Set<string> }>();
    for (const m of messages) {
      const chat = chats.get(m.chat_id) ?? { at: m.created_at, senders: new Set<string>() };
      if (m.created_at < chat.at) chat.at = m.created_at;
      chat.senders.add(m.sender_uid);
      chats.set(m.chat_id, chat);
    }
    const recipients = await membersWithDevices(db, [...chats.keys()]);
    const jobs = [...chats].flatMap(([chatId, chat]) => {
      const window = pushWindow(chat.at, pushDelayMs);
      const delay = delayFrom(chat.at, pushDelayMs);
      return (recipients.get(chatId) ?? [])
        .filter((uid) => !(chat.senders.size === 1 && chat.senders.has(uid)))
        .map((uid) => ({ data: { uid, chat_id: chatId }, options: { ...PUSH_JOB_OPTIONS, delay, jobId: `push-chat.${uid}.${chatId}.${window}` } }));
    });
    for (let i = 0; i < jobs.length; i += BULK) await enqueueBulk(queues, pushChatJob, jobs.slice(i, i + BULK));
  }
  if (notifications.length > 0) {
    const pushed = notifications.filter((n) => (PUSHED_NOTIFICATION_TYPES as readonly string[]).includes(n.type));
    const reachable = await usersWithDevices(db, pushed.map((n) => n.uid));
    const jobs = pushed
      .filter((n) => reachable.has(n.uid))
      .map((n) => ({ data: { uid: n.uid, notification_id: n.id }, options: { ...PUSH_JOB_OPTIONS, delay: delayFrom(n.created_at, pushDelayMs), jobId: `push-notification.${n.id}` } }));
    for (let i = 0; i < jobs.length; i += BULK) await enqueueBulk(queues, pushNotificationJob, jobs.slice(i, i + BULK));
  }
}
