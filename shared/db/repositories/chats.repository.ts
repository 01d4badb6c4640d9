import type { Db } from '../knex.ts';

export interface ChatRow {
  id: string;
  kind: 'direct' | 'group';
  direct_key: string | null;
  last_seq: string;
  last_activity_at: Date;
  created_at: Date;
}

export const directKey = (a: string, b: string) => (a < b ? `${a}:${b}` : `${b}:${a}`);

/** The direct chat of two people, created on first use; safe against two creators racing. */
export async function getOrCreateDirectChat(db: Db, a: string, b: string): Promise<{ chat: ChatRow; created: boolean }> {
  const key = directKey(a, b);
  const inserted = await db<ChatRow>('chats').insert({ kind: 'direct', direct_key: key }).onConflict('direct_key').ignore().returning('*');
  const chat = inserted[0] ?? (await db<ChatRow>('chats').where({ direct_key: key }).first());
  if (!chat) throw new Error('direct chat vanished while being created');
  await db('chat_members')
    .insert([{ chat_id: chat.id, uid: a }, { chat_id: chat.id, uid: b }])
    .onConflict(['chat_id', 'uid'])
    .ignore();
  return { chat, created: inserted.length === 1 };
}

export async function insertGroupChat(db: Db): Promise<ChatRow> {
  const [chat] = await db<ChatRow>('chats').insert({ kind: 'group' }).returning('*');
  return chat as ChatRow;
}

