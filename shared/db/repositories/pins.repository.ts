import type { Db } from '../knex.ts';
import type { MessageRow } from './messages.repository.ts';

export interface PinRow {
  chat_id: string;
  message_id: string;
  pinned_by: string;
  pinned_at: Date;
}

export async function findPin(db: Db, chatId: string, messageId: string): Promise<PinRow | undefined> {
  return db<PinRow>('chat_pins').where({ chat_id: chatId, message_id: messageId }).first();
}

export async function countPins(db: Db, chatId: string): Promise<number> {
  const [row] = await db('chat_pins').where({ chat_id: chatId }).count<{ count: string }[]>({ count: '*' });
  return Number(row?.count ?? 0);
}

/** Pins a message; undefined when it was pinned already. */
export async function insertPin(db: Db, pin: Omit<PinRow, 'pinned_at'>): Promise<PinRow | undefined> {
  const [row] = await db<PinRow>('chat_pins').insert(pin).onConflict(['chat_id', 'message_id']).ignore().returning('*');
  return row;
}

/** Unpins a message; undefined when it was not pinned. */
export async function deletePin(db: Db, chatId: string, messageId: string): Promise<PinRow | undefined> {
  const [row] = await db<PinRow>('chat_pins').where({ chat_id: chatId, message_id: messageId }).delete().returning('*');
  return row;
}

/** A chat's pins, newest first, with their messages, leaving out messages from senders the viewer blocks. */
export async function listPins(db: Db, chatId: string, viewerUid: string): Promise<{ pin: PinRow; message: MessageRow }[]> {
  const rows = await db('chat_pins as p')
    .join('messages as m', (on) => on.on('m.chat_id', 'p.chat_id').andOn('m.id', 'p.message_id'))
    .where('p.chat_id', chatId)
    .whereNotIn('m.sender_uid', db('blocks').select('blocked_uid').where('blocker_uid', viewerUid))
    .orderBy([{ column: 'p.pinned_at', order: 'desc' }, { column: 'p.message_id', order: 'desc' }])
    .select<(MessageRow & { pinned_by: string; pinned_at: Date })[]>('m.*', 'p.pinned_by', 'p.pinned_at');
  return rows.map(({ pinned_by, pinned_at, ...message }) => ({ pin: { chat_id: message.chat_id, message_id: message.id, pinned_by, pinned_at }, message }));
}
