import type { Redis } from 'ioredis';
import { invalidate } from '../access/fact-cache.ts';
import type { UserState } from '../access/user-state.ts';
import { AuthCache } from '../auth/auth-cache.ts';
import { encodeControlFrame } from '../contracts/control-events.ts';
import type { Effect } from '../contracts/effects.ts';
import { encodeFrame, notificationFrame, publishAll } from '../contracts/events.ts';
import type { Db } from '../db/knex.ts';
import { findChange } from '../db/repositories/chat-changes.repository.ts';
import { findMessages, type MessageRow } from '../db/repositories/messages.repository.ts';
import { findNotifications } from '../db/repositories/notifications.repository.ts';
import { publishChange } from '../delivery/chat-changes.ts';
import { publishMessages } from '../delivery/publish-messages.ts';
import { timerJobByName } from '../queues/contracts.ts';
import { enqueue, type Queues } from '../queues/producer.ts';
import type { RedisKeys } from '../redis/keys.ts';
import type { Config } from '../config.ts';
import { schedulePushes, schedulePushesFor } from '../push/schedule-pushes.ts';
import type { WebhookConfig } from '../webhooks/endpoints.ts';
import { enqueueWebhooks } from '../webhooks/enqueue-webhooks.ts';
import { webhookEvents } from '../webhooks/events.ts';

export interface EffectDeps {
  db: Db;
  redis: Redis;
  keys: RedisKeys;
  queues: Queues;
  userState: UserState;
  config: Pick<Config, 'push'> & WebhookConfig;
}

/**
 * Carries out a change's effects (recorded in outbox row `outboxId`), in order. Each is safe to repeat (the relay repeats a row whose
 * delivery stopped halfway). Rows the effect points at may be gone by now (a disbanded group, a
 * deleted session): there is then nothing to deliver, which is not an error.
 */
export async function deliverEffects(deps: EffectDeps, effects: readonly Effect[], outboxId: string): Promise<void> {
  for (const effect of effects) await deliverEffect(deps, effect, outboxId);
}

/**
 * What follows a stored send batch (the `sent` effect of outbox row `outboxId`), given its messages as
 * they are now: `on_message` and reminders' timers, the recipients' pushes, the `message.created`
 * webhook events. Safe to repeat: frames carry ids, jobs fixed ids, and each event's id is derived from
 * its message (shared/webhooks/events.ts). `framesOut` is told once the frames are published.
 */
export async function deliverSent(deps: EffectDeps, messages: readonly MessageRow[], outboxId: string, framesOut?: () => void): Promise<void> {
  await publishMessages(deps, messages, []);
  framesOut?.();
  await schedulePushes({ db: deps.db, queues: deps.queues, pushDelayMs: deps.config.push.delayMs }, messages, []);
  await enqueueWebhooks(deps, () => messages.map(webhookEvents.messageCreated), outboxId);
}

async function deliverEffect(deps: EffectDeps, effect: Effect, outboxId: string): Promise<void> {
  switch (effect.kind) {
    case 'invalidate':
      return invalidate(deps.redis, effect.keys);
    case 'sessions_changed':
      return AuthCache.announce(deps.redis, deps.keys.sessionChanges, effect.uid);
    case 'control':
      return publishAll(deps.redis, deps.keys, [{ uid: effect.uid, frame: encodeControlFrame(effect.control) }]);
    case 'messages':
      return publishMessages(deps, await findMessages(deps.db, effect.msg_ids, effect.chat_ids), []);
    case 'sent':
      return deliverSent(deps, await findMessages(deps.db, effect.msg_ids, effect.chat_ids), outboxId);
    case 'notifications': {
      const stored = await findNotifications(deps.db, effect.ids);
      return publishAll(deps.redis, deps.keys, stored.map((n) => ({ uid: n.uid, frame: notificationFrame(n) })));
    }
    case 'change': {
      const change = await findChange(deps.db, effect.chat_id, effect.cursor);
      if (change) await publishChange(deps, change);
      return;
    }
    case 'read': {
      const chat = await deps.userState.chat(effect.chat_id);
      const peer = chat?.kind === 'direct' ? chat.directUids?.find((uid) => uid !== effect.uid) : undefined;
      const frame = encodeFrame('on_read', { chat_id: effect.chat_id, uid: effect.uid, seq: effect.seq });
      return publishAll(deps.redis, deps.keys, [effect.uid, ...(peer ? [peer] : [])].map((uid) => ({ uid, frame })));
    }
    case 'push':
      return schedulePushesFor({ db: deps.db, queues: deps.queues, pushDelayMs: deps.config.push.delayMs }, { ids: effect.msg_ids, chatIds: effect.chat_ids }, effect.notification_ids);
    case 'webhooks':
      return enqueueWebhooks(deps, () => effect.events, outboxId);
    case 'job': {
      const contract = timerJobByName(effect.name);
      const delay = effect.run_at ? Math.max(0, Date.parse(effect.run_at) - Date.now()) : 0;
      await enqueue(deps.queues, contract, effect.data as never, { delay, jobId: effect.job_id });
      return;
    }
  }
}
