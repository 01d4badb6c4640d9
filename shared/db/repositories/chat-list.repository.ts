import type { Db } from '../knex.ts';
import type { MessageRow } from './messages.repository.ts';

export interface ChatListRow {
  chat_id: string;
  kind: 'direct' | 'group';
  last_seq: string;
  last_read_seq: string;
  last_activity_at: Date;
  peer_uid: string | null;
  peer_username: string | null;
  peer_nickname: string | null;
  peer_avatar_fid: string | null;
  group_id: string | null;
  group_name: string | null;
  group_avatar_fid: string | null;
  group_category: 'small' | 'large' | null;
  last_change: string;
  last_message: (Omit<MessageRow, 'created_at' | 'remind_at' | 'recalled_at' | 'edited_at'> & { created_at: string; remind_at: string | null; recalled_at: string | null; edited_at: string | null }) | null;
}

/**
 * The chats a user is in, most recently active first, each with its newest message that the user
 * may see (messages from people they block are skipped).
 */
export async function listChatsOf(db: Db, uid: string, limit: number): Promise<ChatListRow[]> {
  const { rows } = await db.raw<{ rows: ChatListRow[] }>(
    `select c.id as chat_id, c.kind, c.last_seq, c.last_change, m.last_read_seq, c.last_activity_at,
            pu.uid as peer_uid, pu.username as peer_username, pu.nickname as peer_nickname, pu.avatar_fid as peer_avatar_fid,
            g.id as group_id, g.name as group_name, g.avatar_fid as group_avatar_fid, g.category as group_category,
            (select to_jsonb(lm) from messages lm
              where lm.chat_id = c.id
                and lm.sender_uid not in (select blocked_uid from blocks where blocker_uid = :uid)
              order by lm.seq desc limit 1) as last_message
       from chat_members m
       join chats c on c.id = m.chat_id
       left join groups g on g.chat_id = c.id
       left join chat_members pm on c.kind = 'direct' and pm.chat_id = c.id and pm.uid <> :uid
       left join users pu on pu.uid = pm.uid
      where m.uid = :uid
      order by c.last_activity_at desc, c.id desc
      limit :limit`,
    { uid, limit },
  );
  return rows;
}

/** Moves a member's read pointer forward (never back, never past the chat's end). */
export async function markRead(db: Db, chatId: string, uid: string, seq: number): Promise<{ last_read_seq: string; last_seq: string } | undefined> {
  const { rows } = await db.raw<{ rows: { last_read_seq: string; last_seq: string }[] }>(
    `update chat_members m set last_read_seq = greatest(m.last_read_seq, least(?::bigint, c.last_seq))
       from chats c where c.id = m.chat_id and m.chat_id = ? and m.uid = ?
     returning m.last_read_seq, c.last_seq`,
    [seq, chatId, uid],
  );
  return rows[0];
}
