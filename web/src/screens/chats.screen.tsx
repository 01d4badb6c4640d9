import { Avatar, PresenceLabel } from '../components/avatar.tsx';
import { previewOf } from '../components/message-body.tsx';
import { MessageSearch } from '../components/message-search.tsx';
import { onLinkClick } from '../lib/router.ts';
import { useStore } from '../lib/store.ts';
import { chats, chatsLoaded, chatTitle } from '../state/chats.state.ts';
import { presence } from '../state/people.state.ts';
import { ChatScreen } from './chat.screen.tsx';

/** The chat list (most recent first) beside the open chat; on a phone, one or the other. */
export function ChatsScreen({ chatId, threadRootId }: { chatId?: string; threadRootId?: string }) {
  const list = useStore(chats);
  const loaded = useStore(chatsLoaded);
  useStore(presence);
  return (
    <div class={`chats-layout${chatId ? ' has-chat' : ''}`}>
      <nav class="chat-list-pane chat-list" aria-label="Chats">
        <div class="chat-list-header">
          <h1>Chats</h1>
          <a class="btn small" href="/app/friends" onClick={onLinkClick}>
            New chat
          </a>
        </div>
        <MessageSearch>
          {loaded && list.length === 0 && <p class="empty">No chats yet. Add a friend or join a group to start one.</p>}
          <ul class="list" aria-label="Your chats">
            {list.map((chat) => {
              const title = chatTitle(chat);
              const when = chat.last_activity_at ? new Date(chat.last_activity_at) : null;
              return (
                <li class="chat-item" key={chat.chat_id} data-chat-id={chat.chat_id} style="display:block;padding:0">
                  <a href={`/app/chats/${chat.chat_id}`} onClick={onLinkClick} aria-current={chat.chat_id === chatId ? 'page' : undefined}>
                    <Avatar name={title} fid={chat.group?.avatar_fid ?? chat.peer?.avatar_fid} presenceOf={chat.peer?.uid} />
                    <span class="grow">
                      <span class="row">
                        <span class="title grow">
                          {title}
                          {chat.peer && <PresenceLabel uid={chat.peer.uid} />}
                        </span>
                        {when && <time class="when" dateTime={chat.last_activity_at ?? undefined}>{formatWhen(when)}</time>}
                      </span>
                      <span class="row">
                        <span class="last grow">{previewOf(chat.last_message) || (chat.kind === 'group' ? 'Group chat' : 'Say hello')}</span>
                        {chat.unread_count > 0 && (
                          <span class="badge" data-unread={chat.unread_count}>
                            {chat.unread_count}
                            <span class="visually-hidden"> unread</span>
                          </span>
                        )}
                      </span>
                    </span>
                  </a>
                </li>
              );
            })}
          </ul>
        </MessageSearch>
      </nav>
      <div class="chat-pane" style="min-height:0">
        {chatId ? <ChatScreen key={chatId} chatId={chatId} threadRootId={threadRootId} /> : <p class="empty">Pick a chat on the left.</p>}
      </div>
    </div>
  );
}

function formatWhen(date: Date): string {
  const today = new Date();
  if (date.toDateString() === today.toDateString()) return date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return date.toLocaleDateString([], { month: 'short', day: 'numeric' });
}
