import type { Message, OutboxEntry, WettyClient } from '@wetty/client';

export type { Message, OutboxEntry };
export type ChatSummary = Awaited<ReturnType<WettyClient['chats']['list']>>['chats'][number];
export type PublicUser = Awaited<ReturnType<WettyClient['users']['get']>>;
export type Profile = Awaited<ReturnType<WettyClient['users']['profile']>>;
export type GroupSummary = Awaited<ReturnType<WettyClient['groups']['list']>>['groups'][number];
export type Group = Awaited<ReturnType<WettyClient['groups']['get']>>;
export type GroupMember = Awaited<ReturnType<WettyClient['groups']['members']>>['members'][number];
export type Friend = Awaited<ReturnType<WettyClient['friends']['list']>>['friends'][number];
export type FriendRequest = Awaited<ReturnType<WettyClient['friends']['requests']>>['requests'][number];
export type AppNotification = Awaited<ReturnType<WettyClient['notifications']['list']>>['notifications'][number];

/** A message not yet stored (sending, or refused), shown after the stored ones. */
export interface PendingItem {
  clientGeneratedId: string;
  chatId: string;
  body: OutboxEntry['body'];
  status: 'pending' | 'failed';
  error?: { code: string; message: string };
  createdAt: string;
}
