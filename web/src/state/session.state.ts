import { navigate } from '../lib/router.ts';
import { Store } from '../lib/store.ts';
import { chatById, isChatVisible, loadChats, onChatEdit, onChatMessage, onChatRead, onChatRecall, reloadChatsSoon, resetChats } from './chats.state.ts';
import { client } from './client.ts';
import { loadNotifications, onNotification, resetNotifications } from './notifications.state.ts';
import { resetPeople, stopTyping } from './people.state.ts';
import { onPeerRead, onTimelineEdit, onTimelineMessage, onTimelineReaction, onTimelineRecall, resetTimelines, trackEntry } from './timeline.state.ts';
import type { AppNotification, Profile } from './types.ts';

/** The signed-in user's profile; null when signed out. */
export const me = new Store<Profile | null>(null);
/** Why the user was sent to the login screen, shown there. */
export const authNotice = new Store<string | null>(null);
/** Raised when a group the user is in changed (mute, role, profile), so open screens reload it. */
export const groupChanged = new Store<{ groupId: string; at: number } | null>(null);
/** Raised when a message of a chat was pinned or unpinned, so an open pins panel reloads. */
export const pinChanged = new Store<{ chatId: string; at: number } | null>(null);

export const isSignedIn = () => client.session !== null;

/** Loads what the app shows and opens the socket; called after login and on a page load with a session. */
export async function startSession(): Promise<void> {
  try {
    client.connect();
  } catch (error) {
    console.error('could not connect', error); // the app still works over REST; the banner shows the state
  }
  for (const entry of client.pending()) trackEntry(entry); // unsent messages kept from an earlier page load
  const profile = await client.users.profile();
  me.set(profile);
  await Promise.all([loadChats(), loadNotifications()]);
}

export async function login(username: string, password: string): Promise<void> {
  await client.login({ username, password });
  authNotice.set(null);
  await startSession();
}

export async function register(username: string, password: string): Promise<void> {
  await client.register({ username, password });
  await login(username, password);
}

export async function logout(): Promise<void> {
  try {
    await client.logout();
  } finally {
    endSession(null);
  }
}

function endSession(notice: string | null): void {
  client.disconnect();
  me.set(null);
  resetChats();
  resetTimelines();
  resetPeople();
  resetNotifications();
  authNotice.set(notice);
  navigate({ name: 'login' }, { replace: true });
}

const AUTH_NOTICES: Record<string, string> = {
  session_expired: 'Your session expired. Log in again.',
  revoked: 'This session was ended from another device. Log in again.',
  unauthorized: 'Please log in again.',
};

client.on('auth', (event) => {
  if (event.reason === 'logged_out') return;
  endSession(AUTH_NOTICES[event.reason] ?? 'Please log in again.');
});

client.on('message', (message) => {
  const uid = me.get()?.uid;
  onChatMessage(message, uid);
  onTimelineMessage(message);
  stopTyping(message.chat_id, message.sender_uid);
  if (message.sender_uid !== uid && isChatVisible(message.chat_id)) scheduleRead(message.chat_id, message.seq);
});
client.on('recall', (event) => {
  onChatRecall(event.chat_id, event.msg_id);
  onTimelineRecall(event.chat_id, event.msg_id);
});
client.on('reaction', (event) => onTimelineReaction(event.chat_id, event.msg_id, event.reactions));
client.on('edit', (event) => {
  onChatEdit(event.chat_id, event.msg_id, event.message, event.format);
  onTimelineEdit(event);
});
client.on('pin', (event) => pinChanged.set({ chatId: event.chat_id, at: Date.now() }));
client.on('read', (event) => {
  if (event.uid === me.get()?.uid) onChatRead(event.chat_id, event.seq);
  else onPeerRead(event.chat_id, event.seq);
});
client.on('outbox', (entry) => trackEntry(entry));
client.on('notify', (raw) => {
  const notification = raw as unknown as AppNotification;
  if (notification.id) onNotification(notification);
  const fields = raw as Record<string, unknown>;
  if (['friend_accepted', 'added_to_group', 'join_approved', 'removed_from_group', 'group_disbanded', 'group_updated'].includes(raw.type)) reloadChatsSoon();
  if (typeof fields.group_id === 'string') groupChanged.set({ groupId: fields.group_id, at: Date.now() });
});

const readTimers = new Map<string, ReturnType<typeof setTimeout>>();
/** Moves the read pointer of a chat on screen, at most a few times a second. */
export function scheduleRead(chatId: string, seq: number): void {
  const chat = chatById(chatId);
  if (chat && seq <= chat.last_read_seq) return;
  clearTimeout(readTimers.get(chatId));
  readTimers.set(
    chatId,
    setTimeout(() => {
      readTimers.delete(chatId);
      onChatRead(chatId, seq);
      client.chats.markRead(chatId, seq).catch(() => undefined); // the next read moves it again
    }, 250),
  );
}
