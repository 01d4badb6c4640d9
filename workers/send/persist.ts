import type { Knex } from 'knex';
import { findByClientIds, storeMessages, type MessageRow, type NewMessage } from '../../shared/db/repositories/messages.repository.ts';
import { insertNotifications, type NotificationRow } from '../../shared/db/repositories/notifications.repository.ts';
import { asStored } from '../../shared/validation/text.ts';
import type { Effect } from '../../shared/contracts/effects.ts';
import { recordEffects, type RecordedEffects } from '../../shared/effects/outbox.ts';
import { webhookEvents } from '../../shared/webhooks/events.ts';
import type { WorkerDeps } from '../deps.ts';

export type PersistOutcome =
  | { kind: 'created'; row: MessageRow }
  | { kind: 'existing'; row: MessageRow }
  | { kind: 'conflict' };

export interface PersistResult {
  outcomes: PersistOutcome[];
  created: MessageRow[];
  /** Mentions of the new messages, and the notices given (each stored once per request). */
  notifications: NotificationRow[];
  /** Their pushes and webhook events, recorded in the same transaction: delivered after commit, by this worker or the relay. */
  outbox: RecordedEffects | null;
}

/** A notification to store with the batch, once per recipient and `once_key`. */
export type Notice = Parameters<typeof insertNotifications>[1][number];

/**
 * One of these messages was already stored under its client_generated_id (a retry), or another worker
 * stored it between our check and our insert: the batch starts over, looking the stored ones up first.
 */
class AlreadyClaimed extends Error {}

const keyOf = (m: Pick<NewMessage, 'sender_uid' | 'client_generated_id'>) => `${m.sender_uid}\n${m.client_generated_id}`;

/** Whether a retry carries the same message as the one already stored under its client_generated_id (text compared as stored). */
function sameContent(stored: Pick<MessageRow, keyof NewMessage>, wanted: NewMessage): boolean {
  return (
    stored.chat_id === wanted.chat_id &&
    stored.message === asStored(wanted.message) &&
    stored.message_type === wanted.message_type &&
    stored.format === wanted.format &&
    stored.reply_to_id === wanted.reply_to_id &&
    stored.reply_root_id === wanted.reply_root_id &&
    stored.forwarded_from === wanted.forwarded_from
  );
}

/**
 * Stores a batch of gated messages in one transaction: retries of stored messages are answered with
 * the stored row (or a conflict if the content differs), new ones get the next seqs of their chats
 * with no gaps, and their mention notifications, the batch's `notices` and an outbox row naming what
 * to push are stored with them.
 *
 * Nearly every send is new, so the first attempt stores the batch without looking its client ids up:
 * the insert itself tells whether one was already claimed, and only then does the batch roll back and
 * start over with the lookup (a retried send costs one more transaction; a new one, one less query).
 */
export async function persistMessages(deps: WorkerDeps, messages: readonly NewMessage[], notices: readonly Notice[] = []): Promise<PersistResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await deps.db.transaction((trx) => persistOnce(trx, messages, notices, attempt > 1));
    } catch (err) {
      // One optimistic attempt, then up to three that look up what is stored (a lost race is retried twice).
      if (!(err instanceof AlreadyClaimed) || attempt >= 4) throw err;
    }
  }
}

async function persistOnce(trx: Knex.Transaction, messages: readonly NewMessage[], notices: readonly Notice[], lookUp: boolean): Promise<PersistResult> {
  const stored = new Map((lookUp ? await findByClientIds(trx, messages) : []).map((row) => [keyOf(row), row]));
  const firstOfKey = new Map<string, number>();
  const fresh: number[] = [];
  for (const [i, message] of messages.entries()) {
    const key = keyOf(message);
    if (!stored.has(key) && !firstOfKey.has(key)) {
      firstOfKey.set(key, i);
      fresh.push(i);
    }
  }

  const { inserted, claimed } = await storeMessages(trx, fresh.map((i) => messages[i] as NewMessage));
  if (claimed !== fresh.length) throw new AlreadyClaimed();
  const insertedByKey = new Map(inserted.map((row) => [keyOf(row), row]));

  const notifications = await insertNotifications(trx, [
    ...inserted.flatMap((row) =>
      row.mentions.map((uid) => ({ uid, type: 'mention', data: { chat_id: row.chat_id, msg_id: row.id, seq: Number(row.seq), by_uid: row.sender_uid } })),
    ),
    ...notices,
  ]);
  const chatIds = [...new Set(inserted.map((r) => r.chat_id))];
  const effects: Effect[] = [
    ...(inserted.length > 0 ? [{ kind: 'messages' as const, msg_ids: inserted.map((r) => r.id), chat_ids: chatIds }] : []),
    ...(notifications.length > 0 ? [{ kind: 'notifications' as const, ids: notifications.map((n) => n.id) }] : []),
    ...(inserted.length + notifications.length > 0
      ? [{ kind: 'push' as const, msg_ids: inserted.map((r) => r.id), chat_ids: chatIds, notification_ids: notifications.map((n) => n.id) }]
      : []),
    ...(inserted.length > 0 ? [{ kind: 'webhooks' as const, events: inserted.map((row) => webhookEvents.messageCreated(row)) }] : []),
  ];
  const outbox = await recordEffects(trx, effects);

  const outcomes = messages.map((message, i): PersistOutcome => {
    const key = keyOf(message);
    const previous = stored.get(key);
    if (previous) return sameContent(previous, message) ? { kind: 'existing', row: previous } : { kind: 'conflict' };
    const row = insertedByKey.get(key) as MessageRow;
    if (firstOfKey.get(key) === i) return { kind: 'created', row };
    return sameContent(row, message) ? { kind: 'existing', row } : { kind: 'conflict' };
  });
  return { outcomes, created: inserted, notifications, outbox };
}
