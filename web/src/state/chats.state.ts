import { Store } from '../lib/store.ts';
import { client } from './client.ts';
import { rememberUsers } from './people.state.ts';
import type { ChatSummary, Message } from './types.ts';

export const chats = new Store<readonly ChatSummary[]>([]);
export const chatsLoaded = new Store(false);
/** The chat on screen (its messages count as read while the page is visible). */
export const openChatId = new Store<string | null>(null);

let reloadTimer: ReturnType<typeof setTimeout> | undefined;

export async function loadChats(): Promise<void> {
  const { chats: list } = await client.chats.list({ limit: 100 });
  rememberUsers(list.flatMap((chat) => (chat.peer ? [chat.peer] : [])));
  chats.set(sortChats(list));
  chatsLoaded.set(true);
}

/** A chat the list does not know yet (a new friend, a group one was added to): reload once things settle. */
export function reloadChatsSoon(): void {
  clearTimeout(reloadTimer);
  reloadTimer = setTimeout(() => loadChats().catch(() => undefined), 300);
}

export function chatById(chatId: string): ChatSummary | undefined {
  return chats.get().find((chat) => chat.chat_id === chatId);
}

export function chatTitle(chat: ChatSummary | undefined): string {
  if (!chat) return 'Chat';
  if (chat.group) return chat.group.name;
  if (chat.peer) return chat.peer.nickname || chat.peer.username;
  return 'Chat';
}

function sortChats(list: readonly ChatSummary[]): ChatSummary[] {
  return [...list].sort((a, b) => Date.parse(b.last_activity_at ?? '') - Date.parse(a.last_activity_at ?? '') || Number(b.chat_id) - Number(a.chat_id));
}

function updateChat(chatId: string, change: (chat: ChatSummary) => ChatSummary): boolean {
  let found = false;
  chats.update((list) =>
    sortChats(
      list.map((chat) => {
        if (chat.chat_id !== chatId) return chat;
        found = true;
        return change(chat);
      }),
    ),
  );
  return found;
}

export function isChatVisible(chatId: string): boolean {
  return openChatId.get() === chatId && document.visibilityState === 'visible';
}

export function onChatMessage(message: Message, myUid: string | undefined): void {
  const mine = message.sender_uid === myUid;
  const found = updateChat(message.chat_id, (chat) => {
    if (message.seq <= chat.last_seq && chat.last_message) return chat;
    const readNow = mine || isChatVisible(message.chat_id);
    return {
      ...chat,
      last_seq: message.seq,
      last_message: message,
      last_activity_at: message.created_at,
      last_read_seq: readNow ? Math.max(chat.last_read_seq, message.seq) : chat.last_read_seq,
      unread_count: readNow ? 0 : chat.unread_count + 1,
    } as ChatSummary;
  });
  if (!found) reloadChatsSoon();
}

export function onChatRead(chatId: string, seq: number): void {
  updateChat(chatId, (chat) => {
    if (seq <= chat.last_read_seq) return chat;
    const unread = Math.max(0, chat.last_seq - seq);
    return { ...chat, last_read_seq: seq, unread_count: Math.min(chat.unread_count, unread) };
  });
}

export function onChatRecall(chatId: string, msgId: string): void {
  updateChat(chatId, (chat) => (chat.last_message?.id === msgId ? ({ ...chat, last_message: { ...chat.last_message, recalled: true } } as ChatSummary) : chat));
}

export function onChatEdit(chatId: string, msgId: string, message: string, format: 'plain' | 'markdown'): void {
  updateChat(chatId, (chat) => (chat.last_message?.id === msgId ? ({ ...chat, last_message: { ...chat.last_message, message, format } } as ChatSummary) : chat));
}

export function resetChats(): void {
  chats.set([]);
  chatsLoaded.set(false);
  openChatId.set(null);
}
