import type { Redis } from 'ioredis';
import type { UserState } from '../shared/access/user-state.ts';
import type { Config } from '../shared/config.ts';
import type { Db } from '../shared/db/knex.ts';
import type { Logger } from '../shared/logger.ts';
import type { Metrics } from '../shared/metrics/metrics.ts';
import type { RedisKeys } from '../shared/redis/keys.ts';
import type { Queues } from '../shared/queues/producer.ts';
import type { PushProviders } from '../shared/push/push-providers.ts';
import type { FileStorage } from '../shared/storage/storage.ts';
import type { MessageRow } from '../shared/db/repositories/messages.repository.ts';
import type { Batcher } from './send/batcher.ts';
import type { PendingWork } from './pending-work.ts';
import type { ReplyPublisher } from './send/reply-publisher.ts';
import type { ModeratedSend } from './send/moderation.ts';
import type { SendOutcome } from './send/send-pipeline.ts';

/** What every processor is handed; built once by `openWorkerDeps` in a composition root. */
export interface WorkerDeps {
  config: Config;
  db: Db;
  /** Facts, deliveries and PUBLISH (auto-pipelined: shared/redis/connections.ts). */
  redis: Redis;
  /** BullMQ's connection: the queues' producers, and the workers, which derive their blocking connections from it. */
  queueRedis: Redis;
  keys: RedisKeys;
  queues: Queues;
  userState: UserState;
  /** File storage, for removing the objects of abandoned uploads. */
  storage: FileStorage;
  /** Gathers concurrent send jobs into one transaction. */
  sendBatcher: Batcher<ModeratedSend, SendOutcome>;
  /** The answers to the api processes' sends, published together per turn. */
  sendReplies: ReplyPublisher;
  /** What follows committed sends after their senders are answered (pushes, webhook events): awaited on close. */
  deliveries: PendingWork;
  /** The push services (Web Push, FCM, APNs) devices are reached through. */
  push: PushProviders;
  log: Logger;
  metrics: Metrics;
  /** Fault injection for tests only (see `FAULT_CRASH_AFTER_COMMIT`); never set in production. */
  hooks?: WorkerHooks;
}

export interface WorkerHooks {
  /** Runs right after a send batch commits, before anything is pushed. */
  afterSendCommit?(messages: readonly MessageRow[]): void;
}
