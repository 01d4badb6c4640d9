import type { Knex } from 'knex';
import type { Redis } from 'ioredis';
import { invalidate } from '../access/fact-cache.ts';
import type { NotificationData, NotificationType } from '../contracts/notifications.ts';
import type { Db } from '../db/knex.ts';
import { insertNotifications, type NotificationRow } from '../db/repositories/notifications.repository.ts';
import type { Logger } from '../logger.ts';
import { controlJob, deliverNotificationsJob, type JobContract, type JobData } from '../queues/contracts.ts';
import { enqueue, type Queues } from '../queues/producer.ts';
import type { RedisKeys } from '../redis/keys.ts';

export interface ChangeDeps {
  db: Db;
  redis: Redis;
  keys: RedisKeys;
  queues: Queues;
  log: Logger;
}

/** What a social-graph change records while its transaction runs. */
export interface ChangeSet {
  trx: Knex.Transaction;
  /** Stores a notification for each recipient, in this transaction. */
  notify<T extends NotificationType>(uids: string | readonly string[], type: T, data: NotificationData<T>): Promise<void>;
  /** Marks cached access facts stale; they are dropped once the transaction commits. */
  touchPair(a: string, b: string): void;
  touchChat(chatId: string): void;
  touchMember(chatId: string, uid: string): void;
  /** Tells the realtime nodes holding `uid`'s sockets about this change, once it commits. */
  control(uid: string, event: JobData<typeof controlJob>['event'], data: Record<string, unknown>): void;
  /** A job to enqueue once the transaction commits (e.g. a timer). */
  afterCommit<C extends JobContract>(contract: C, data: JobData<C>, options?: { delay?: number; jobId?: string }): void;
}

const DELIVERY_BATCH = 500;

/**
 * Runs one change to the social graph as a unit: the writes and their notifications commit together;
 * only then are cached facts invalidated and deliveries enqueued. If enqueueing fails after the
 * commit, the notifications are still stored and listed by `GET /users/notifications`.
 */
export async function commitChange<T>(deps: ChangeDeps, work: (change: ChangeSet) => Promise<T>): Promise<T> {
  const staleKeys = new Set<string>();
  const stored: NotificationRow[] = [];
  const jobs: { contract: JobContract; data: unknown; options?: { delay?: number; jobId?: string } }[] = [];

  const result = await deps.db.transaction(async (trx) => {
    const change: ChangeSet = {
      trx,
      notify: async (uids, type, data) => {
        const recipients = typeof uids === 'string' ? [uids] : [...new Set(uids)];
        stored.push(...(await insertNotifications(trx, recipients.map((uid) => ({ uid, type, data })))));
      },
      touchPair: (a, b) => staleKeys.add(deps.keys.pairFacts(a, b)),
      touchChat: (chatId) => staleKeys.add(deps.keys.chatFacts(chatId)),
      touchMember: (chatId, uid) => staleKeys.add(deps.keys.memberFacts(chatId, uid)),
      afterCommit: (contract, data, options) => {
        jobs.push({ contract, data, ...(options ? { options } : {}) });
      },
      control: (uid, event, data) => {
        jobs.push({ contract: controlJob, data: { uid, event, data } });
      },
    };
    return work(change);
  });

  await invalidate(deps.redis, staleKeys);
  try {
    for (let i = 0; i < stored.length; i += DELIVERY_BATCH) {
      const batch = stored.slice(i, i + DELIVERY_BATCH).map((n) => ({ id: n.id, uid: n.uid, type: n.type, data: n.data, created_at: n.created_at.toISOString() }));
      await enqueue(deps.queues, deliverNotificationsJob, { notifications: batch });
    }
    for (const job of jobs) await enqueue(deps.queues, job.contract, job.data as never, job.options);
  } catch (err) {
    deps.log.error({ err }, 'change committed but its jobs could not be enqueued');
  }
  return result;
}
