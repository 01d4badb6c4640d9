import type { Db } from '../knex.ts';
import type { MessageRow } from './messages.repository.ts';

export interface MessageVersionRow {
  version: number;
  message: string;
  format: 'plain' | 'markdown';
  written_at: Date;
  replaced_at: Date;
}

/** The message as it is now, its row locked against a concurrent edit or recall until the transaction ends. */
export async function lockMessage(trx: Db, chatId: string, id: string): Promise<MessageRow | undefined> {
  return trx<MessageRow>('messages').where({ chat_id: chatId, id }).forNoKeyUpdate().first();
}

/** Keeps the current text as an earlier version and writes the new one; answers the edited row. */
export async function editMessage(trx: Db, current: MessageRow, next: { message: string; format: 'plain' | 'markdown' }): Promise<MessageRow> {
  await trx('message_edits').insert({
    chat_id: current.chat_id,
    message_id: current.id,
    version: current.edit_count,
    message: current.message,
    format: current.format,
    written_at: current.edited_at ?? current.created_at,
    replaced_at: trx.fn.now(),
  });
  const [row] = await trx<MessageRow>('messages')
    .where({ chat_id: current.chat_id, id: current.id })
    .update({ message: next.message, format: next.format, edited_at: trx.fn.now() as unknown as Date, edit_count: current.edit_count + 1 })
    .returning('*');
  if (!row) throw new Error(`message ${current.id} vanished while being edited`);
  return row;
}

/** Earlier versions of a message, newest first. */
export async function listEdits(db: Db, message: Pick<MessageRow, 'id' | 'chat_id'>): Promise<MessageVersionRow[]> {
  return db('message_edits')
    .select<MessageVersionRow[]>('version', 'message', 'format', 'written_at', 'replaced_at')
    .where({ chat_id: message.chat_id, message_id: message.id })
    .orderBy('version', 'desc');
}

/** A recalled message keeps no earlier versions either. */
export async function deleteEdits(trx: Db, message: Pick<MessageRow, 'id' | 'chat_id'>): Promise<void> {
  await trx('message_edits').where({ chat_id: message.chat_id, message_id: message.id }).delete();
}
