import type { Knex } from 'knex';
import type { Redis } from 'ioredis';
import type { UserState } from '../access/user-state.ts';
import type { ControlEvent, ControlEventData, ControlEventName } from '../contracts/control-events.ts';
import type { Effect } from '../contracts/effects.ts';
import type { NotificationData, NotificationType } from '../contracts/notifications.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/knex.ts';
import { insertNotifications } from '../db/repositories/notifications.repository.ts';
import { deliverCommitted, recordEffects } from '../effects/outbox.ts';
import type { Logger } from '../logger.ts';
import type { JobContract, JobData } from '../queues/contracts.ts';
import type { Queues } from '../queues/producer.ts';
import type { RedisKeys } from '../redis/keys.ts';

export interface ChangeDeps {
  db: Db;
  redis: Redis;
  keys: RedisKeys;
  queues: Queues;
  userState: UserState;
  log: Logger;
  config: Pick<Config, 'push'>;
}

/** What a social-graph change records while its transaction runs. */
export interface ChangeSet {
  trx: Knex.Transaction;
  /**
   * Stores a notification for each recipient, in this transaction; it is pushed once the change
   * commits. With `onceKey`, a recipient already notified under that key is skipped (a job run twice).
   */
  notify<T extends NotificationType>(uids: string | readonly string[], type: T, data: NotificationData<T>, options?: { onceKey?: string }): Promise<void>;
  /** Marks cached access facts stale; they are dropped once the transaction commits. */
  touchPair(a: string, b: string): void;
  touchChat(chatId: string): void;
  touchMember(chatId: string, uid: string): void;
  /** Tells the realtime nodes holding `uid`'s sockets about this change, once it commits. */
  control<E extends ControlEventName>(uid: string, event: E, data: ControlEventData<E>): void;
  /** A timer to start once the transaction commits; `jobId` makes starting it twice harmless. */
  afterCommit<C extends JobContract>(contract: C, data: JobData<C>, options: { delay?: number; jobId: string }): void;
}

/**
 * Runs one change to the social graph as a unit: the writes, their notifications and every effect
 * that must follow (cache invalidations, pushes, control events, timers) commit together — the
 * effects as one outbox row. After commit they are delivered at once; if that fails (Redis away, the
 * process stopping) the change still stands, the caller still gets its answer, and the workers'
 * relay delivers the row later. Invalidations go first, so a node acting on a control event reads
 * fresh facts.
 */
export async function commitChange<T>(deps: ChangeDeps, work: (change: ChangeSet) => Promise<T>): Promise<T> {
  const staleKeys = new Set<string>();
  const notificationIds: string[] = [];
  const later: Effect[] = [];

  const { result, recorded } = await deps.db.transaction(async (trx) => {
    const change: ChangeSet = {
      trx,
      notify: async (uids, type, data, options) => {
        const recipients = typeof uids === 'string' ? [uids] : [...new Set(uids)];
        const once = options?.onceKey === undefined ? {} : { once_key: options.onceKey };
        notificationIds.push(...(await insertNotifications(trx, recipients.map((uid) => ({ uid, type, data, ...once })))).map((n) => n.id));
      },
      touchPair: (a, b) => staleKeys.add(deps.keys.pairFacts(a, b)),
      touchChat: (chatId) => staleKeys.add(deps.keys.chatFacts(chatId)),
      touchMember: (chatId, uid) => staleKeys.add(deps.keys.memberFacts(chatId, uid)),
      afterCommit: (contract, data, options) => {
        const jobData = contract.schema.parse(data) as Record<string, unknown>;
        const runAt = options.delay ? { run_at: new Date(Date.now() + options.delay).toISOString() } : {};
        later.push({ kind: 'job', name: contract.name, data: jobData, job_id: options.jobId, ...runAt });
      },
      control: (uid, event, data) => later.push({ kind: 'control', uid, control: { event, data } as ControlEvent }),
    };
    const result = await work(change);
    const effects: Effect[] = [
      ...(staleKeys.size > 0 ? [{ kind: 'invalidate' as const, keys: [...staleKeys] }] : []),
      ...later,
      ...(notificationIds.length > 0 ? [{ kind: 'notifications' as const, ids: notificationIds }] : []),
      ...(notificationIds.length > 0 ? [{ kind: 'push' as const, msg_ids: [], notification_ids: notificationIds }] : []),
    ];
    return { result, recorded: await recordEffects(trx, effects) };
  });

  await deliverCommitted(deps, recorded);
  return result;
}
