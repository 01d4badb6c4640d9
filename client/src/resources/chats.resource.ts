import type { BodyOf, QueryOf } from '../rest/request-types.ts';
import type { PendingMessage, SendBody } from '../types.ts';
import type { Requester } from './requester.ts';

/** What the chats group needs from the client beyond plain requests. */
export interface ChatsHooks {
  send(chatId: string, body: SendBody): PendingMessage;
  /** Lets the ordering know a chat's position (from a list or a history page). */
  seed(chatId: string, seq: number): void;
  /** Lets the change feed know a chat's change cursor (from the list). */
  seedChanges(chatId: string, cursor: number): void;
  typing(chatId: string): void;
}

/** Chats and messages (`/chats`). */
export function chatsResource(request: Requester, hooks: ChatsHooks) {
  return {
    /** Your chats, most recently active first. */
    list: async (query: QueryOf<'GET /chats'> = {}) => {
      const answer = await request('GET', '/chats', { query });
      for (const chat of answer.chats) {
        hooks.seed(chat.chat_id, chat.last_seq);
        hooks.seedChanges(chat.chat_id, chat.change_cursor);
      }
      return answer;
    },
    /** Opens (or finds) the direct chat with a friend. */
    direct: (targetUserId: string) => request('POST', '/chats/direct', { body: { target_user_id: targetUserId } }),
    /** A page of history, newest first: `before` a message id, `max` ≤ 100. */
    history: async (chatId: string, query: Omit<NonNullable<QueryOf<'GET /chats/{chat_id}/messages'>>, 'after'> = {}) => {
      const answer = await request('GET', '/chats/{chat_id}/messages', { params: { chat_id: chatId }, query });
      const newest = answer.messages[0];
      if (query.before === undefined && newest) hooks.seed(chatId, newest.seq);
      return answer;
    },
    /** The messages after a seq, in order (the SDK fills gaps itself; this is for apps that page forward). */
    after: (chatId: string, seq: number, max?: number) =>
      request('GET', '/chats/{chat_id}/messages', { params: { chat_id: chatId }, query: { after: seq, ...(max === undefined ? {} : { max }) } }),
    /**
     * Searches the messages you may read: words (prefix), "quoted phrases", -excluded terms; CJK
     * text matches anywhere. Newest first, or `order: 'rank'`. Each result carries `highlights`,
     * [start, end) offsets of the matches in `message.message` (UTF-16, like JavaScript strings).
     * Pass `next_cursor` back as `cursor` for the next page.
     */
    search: (q: string, query: Omit<NonNullable<QueryOf<'GET /chats/search'>>, 'q'> = {}) =>
      request('GET', '/chats/search', { query: { ...query, q } }),
    /**
     * Sends through the outbox: returns at once with the pending entry (its `client_generated_id`);
     * retried until stored or refused; `done` settles with the stored message or the refusal.
     */
    send: (chatId: string, body: SendBody): PendingMessage => hooks.send(chatId, body),
    recall: (msgId: string) => request('POST', '/chats/message/recall', { body: { msg_id: msgId } }),
    react: (chatId: string, msgId: string, emoji: string) =>
      request('POST', '/chats/{chat_id}/messages/{msg_id}/reactions', { params: { chat_id: chatId, msg_id: msgId }, body: { emoji } }),
    unreact: (chatId: string, msgId: string, emoji: string) =>
      request('DELETE', '/chats/{chat_id}/messages/{msg_id}/reactions/{emoji}', { params: { chat_id: chatId, msg_id: msgId, emoji } }),
    /** Edits your own text or emote message; everyone gets the `edit` event. */
    edit: (chatId: string, msgId: string, body: BodyOf<'PATCH /chats/{chat_id}/messages/{msg_id}'>) =>
      request('PATCH', '/chats/{chat_id}/messages/{msg_id}', { params: { chat_id: chatId, msg_id: msgId }, body }),
    /** A message's earlier versions, newest first. */
    edits: (chatId: string, msgId: string) => request('GET', '/chats/{chat_id}/messages/{msg_id}/edits', { params: { chat_id: chatId, msg_id: msgId } }),
    /** The chat's pins, newest first, with their messages. */
    pins: (chatId: string) => request('GET', '/chats/{chat_id}/pins', { params: { chat_id: chatId } }),
    pin: (chatId: string, msgId: string) => request('POST', '/chats/{chat_id}/pins', { params: { chat_id: chatId }, body: { msg_id: msgId } }),
    unpin: (chatId: string, msgId: string) => request('DELETE', '/chats/{chat_id}/pins/{msg_id}', { params: { chat_id: chatId, msg_id: msgId } }),
    /** The chat's changes after a cursor (the SDK applies them itself on reconnect; this is for apps that keep their own). */
    changes: (chatId: string, since: number, max?: number) =>
      request('GET', '/chats/{chat_id}/changes', { params: { chat_id: chatId }, query: { since, ...(max === undefined ? {} : { max }) } }),
    markRead: (chatId: string, seq: number) => request('POST', '/chats/{chat_id}/read', { params: { chat_id: chatId }, body: { seq } as BodyOf<'POST /chats/{chat_id}/read'> }),
    /** Tells the chat you are typing (over the socket; dropped when not connected). */
    typing: (chatId: string) => hooks.typing(chatId),
  };
}
