import type { Db } from '../knex.ts';

export type ChatNotifications = 'all' | 'mentions' | 'none';

export interface ChatSettingsRow {
  chat_id: string;
  uid: string;
  notifications: ChatNotifications;
  muted_until: Date | null;
}

/** A member's settings for a chat; a member who never set any has the defaults. */
export async function findChatSettings(db: Db, chatId: string, uid: string): Promise<ChatSettingsRow> {
  const row = await db<ChatSettingsRow>('chat_settings').where({ chat_id: chatId, uid }).first<ChatSettingsRow | undefined>('chat_id', 'uid', 'notifications', 'muted_until');
  return row ?? { chat_id: chatId, uid, notifications: 'all', muted_until: null };
}

export async function saveChatSettings(db: Db, row: Pick<ChatSettingsRow, 'chat_id' | 'uid' | 'notifications' | 'muted_until'>): Promise<ChatSettingsRow> {
  const [stored] = await db('chat_settings')
    .insert({ ...row, updated_at: db.fn.now() })
    .onConflict(['chat_id', 'uid'])
    .merge(['notifications', 'muted_until', 'updated_at'])
    .returning<ChatSettingsRow[]>(['chat_id', 'uid', 'notifications', 'muted_until']);
  return stored as ChatSettingsRow;
}
