import { findByClientIds, isClaimedClientId, storeMessages, type MessageRow, type NewMessage, type StoredBatch } from '../../shared/db/repositories/messages.repository.ts';
import { insertNotifications, type NotificationRow } from '../../shared/db/repositories/notifications.repository.ts';
import { asStored } from '../../shared/validation/text.ts';
import { Effects } from '../../shared/contracts/effects.ts';
import { ORDER_WINDOW_MS, recordEffects, type RecordedEffects } from '../../shared/effects/outbox.ts';
import type { WorkerDeps } from '../deps.ts';

export type PersistOutcome =
  | { kind: 'created'; row: MessageRow }
  | { kind: 'existing'; row: MessageRow }
  | { kind: 'conflict' };

export interface PersistResult {
  outcomes: PersistOutcome[];
  created: MessageRow[];
  /** The new messages' `sent` effect, recorded by their store statement: delivered after commit, by this worker or the relay. */
  sent: RecordedEffects | null;
  /** Mentions of the new messages, and the notices given (each stored once per request). */
  notifications: NotificationRow[];
  /** Their `on_notify` and pushes, recorded in the same transaction (null when there were none). */
  noticed: RecordedEffects | null;
}

/** A notification to store with the batch, once per recipient and `once_key`. */
export type Notice = Parameters<typeof insertNotifications>[1][number];

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
 * Stores a batch of gated messages atomically: retries of stored messages are answered with the
 * stored row (or a conflict if the content differs), new ones get the next seqs of their chats with no
 * gaps and an outbox row naming what follows them; their mention notifications and the batch's
 * `notices` are stored with them, with an outbox row of their own.
 *
 * Nearly every send is new and mentions nobody, so a batch is first stored as one statement on its
 * own: one round trip and one commit (shared/db/repositories/messages.repository.ts). If one of its
 * client ids was already claimed (a retry, or another worker storing the same send), the statement
 * stores nothing, and the batch starts over looking the stored ones up first.
 */
export async function persistMessages(deps: WorkerDeps, messages: readonly NewMessage[], notices: readonly Notice[] = []): Promise<PersistResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await persistOnce(deps, messages, notices, attempt > 1);
    } catch (err) {
      // One attempt that looks nothing up, then up to three that do (a lost race is tried again twice).
      if (!isClaimedClientId(err) || attempt >= 4) throw err;
    }
  }
}

async function persistOnce(deps: WorkerDeps, messages: readonly NewMessage[], notices: readonly Notice[], lookUp: boolean): Promise<PersistResult> {
  const stored = new Map((lookUp ? await findByClientIds(deps.db, messages) : []).map((row) => [keyOf(row), row]));
  const firstOfKey = new Map<string, number>();
  const fresh: NewMessage[] = [];
  for (const [i, message] of messages.entries()) {
    const key = keyOf(message);
    if (!stored.has(key) && !firstOfKey.has(key)) {
      firstOfKey.set(key, i);
      fresh.push(message);
    }
  }

  const { batch, notifications, noticed } =
    notices.length === 0 && fresh.every((m) => m.mentions.length === 0)
      ? { batch: await storeMessages(deps.db, fresh, ORDER_WINDOW_MS), notifications: [], noticed: null }
      : await deps.db.transaction(async (trx) => {
          const batch = await storeMessages(trx, fresh, ORDER_WINDOW_MS);
          const notifications = await insertNotifications(trx, [...mentionsOf(batch), ...notices]);
          const ids = notifications.map((n) => n.id);
          const noticed = await recordEffects(trx, ids.length > 0 ? [{ kind: 'notifications', ids }, { kind: 'push', msg_ids: [], notification_ids: ids }] : []);
          return { batch, notifications, noticed };
        });
  const inserted = batch?.inserted ?? [];
  const insertedByKey = new Map(inserted.map((row) => [keyOf(row), row]));

  const outcomes = messages.map((message, i): PersistOutcome => {
    const key = keyOf(message);
    const previous = stored.get(key);
    if (previous) return sameContent(previous, message) ? { kind: 'existing', row: previous } : { kind: 'conflict' };
    const row = insertedByKey.get(key) as MessageRow;
    if (firstOfKey.get(key) === i) return { kind: 'created', row };
    return sameContent(row, message) ? { kind: 'existing', row } : { kind: 'conflict' };
  });
  return { outcomes, created: inserted, sent: batch ? sentEffect(batch) : null, notifications, noticed };
}

const mentionsOf = (batch: StoredBatch | null): Notice[] =>
  (batch?.inserted ?? []).flatMap((row) =>
    row.mentions.map((uid) => ({ uid, type: 'mention', data: { chat_id: row.chat_id, msg_id: row.id, seq: Number(row.seq), by_uid: row.sender_uid } })),
  );

/** The outbox row the store statement recorded, as the fast path delivers it (its effects checked against their contract, as recorded ones are). */
const sentEffect = (batch: StoredBatch): RecordedEffects => ({ outboxId: batch.outbox.id, behind: batch.outbox.behind, effects: Effects.parse(batch.outbox.effects) });
