import { Fragment } from 'preact';
import { useEffect, useLayoutEffect, useRef } from 'preact/hooks';
import { useStore } from '../lib/store.ts';
import { displayName } from '../state/people.state.ts';
import { loadOlder, pending, discardSend, retrySend, timelines } from '../state/timeline.state.ts';
import type { Message, PendingItem } from '../state/types.ts';
import { previewOf } from './message-body.tsx';
import { MessageItem } from './message-item.tsx';

interface Props {
  chatId: string;
  myUid: string;
  canModerate: boolean;
  isDirect: boolean;
  /** Messages after this seq are new to the user: a marker goes above the first. */
  readSeqAtOpen: number;
  /** Only this thread (root message id), or the whole chat. */
  threadRootId?: string;
  onReply: (message: Message) => void;
  onOpenThread?: (message: Message) => void;
  onError: (text: string) => void;
  onSeen: (seq: number) => void;
}

/** The history of a chat: scrolls to the newest, loads older pages when scrolled to the top, keeps position. */
export function TimelineView({ chatId, myUid, canModerate, isDirect, readSeqAtOpen, threadRootId, onReply, onOpenThread, onError, onSeen }: Props) {
  const timeline = useStore(timelines).get(chatId);
  const sends = useStore(pending);
  const listRef = useRef<HTMLOListElement>(null);
  const atBottom = useRef(true);
  const heightBefore = useRef<number | null>(null);

  const all = timeline?.messages ?? [];
  const byId = new Map(all.map((m) => [m.id, m]));
  const shown = threadRootId ? all.filter((m) => m.id === threadRootId || m.reply_root_id === threadRootId) : all;
  const replyCounts = new Map<string, number>();
  for (const m of all) if (m.reply_root_id && !m.recalled) replyCounts.set(m.reply_root_id, (replyCounts.get(m.reply_root_id) ?? 0) + 1);
  const mySends = [...sends.values()].filter((item) => item.chatId === chatId && (!threadRootId || item.body.reply_root_id === threadRootId));
  const lastMineSeen = isDirect ? [...shown].reverse().find((m) => m.sender_uid === myUid && m.seq <= (timeline?.peerReadSeq ?? 0)) : undefined;
  const firstNew = shown.find((m) => m.seq > readSeqAtOpen && m.sender_uid !== myUid);
  const newest = shown[shown.length - 1];

  useLayoutEffect(() => {
    const list = listRef.current;
    if (!list) return;
    if (heightBefore.current !== null) {
      list.scrollTop += list.scrollHeight - heightBefore.current; // an older page landed above: stay put
      heightBefore.current = null;
    } else if (atBottom.current) {
      list.scrollTop = list.scrollHeight;
    }
  });

  useEffect(() => {
    if (newest) onSeen(newest.seq);
  }, [newest?.seq]);

  const onScroll = () => {
    const list = listRef.current;
    if (!list) return;
    atBottom.current = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    if (list.scrollTop < 80 && timeline?.hasMore && !timeline.loading && !threadRootId) {
      heightBefore.current = list.scrollHeight;
      void loadOlder(chatId);
    }
  };

  return (
    <ol class="timeline" ref={listRef} onScroll={onScroll} aria-label={threadRootId ? 'Thread' : 'Messages'} aria-live="polite" aria-relevant="additions" tabIndex={0}>
      {!threadRootId && (
        <li class="load-more">
          {timeline?.loading ? 'Loading…' : timeline?.hasMore ? (
            <button type="button" class="btn small" onClick={() => ((heightBefore.current = listRef.current?.scrollHeight ?? null), loadOlder(chatId))}>
              Load older messages
            </button>
          ) : (
            'The beginning of this chat'
          )}
        </li>
      )}
      {timeline?.error && <li class="error-text">{timeline.error}</li>}
      {shown.map((message) => (
        <Fragment key={message.id}>
          {message === firstNew && !threadRootId && (
            <li class="read-marker">
              New messages
            </li>
          )}
          <MessageItem
            message={message}
            myUid={myUid}
            canModerate={canModerate}
            replyTo={message.reply_to_id && message.reply_to_id !== threadRootId ? byId.get(message.reply_to_id) : undefined}
            replyCount={threadRootId ? undefined : replyCounts.get(message.id)}
            seen={message === lastMineSeen}
            onReply={onReply}
            onOpenThread={threadRootId ? undefined : onOpenThread}
            onError={onError}
          />
        </Fragment>
      ))}
      {mySends.map((item) => (
        <PendingRow key={item.clientGeneratedId} item={item} />
      ))}
    </ol>
  );
}

function PendingRow({ item }: { item: PendingItem }) {
  const preview = previewOf({ message_type: item.body.message_type ?? 'text', message: item.body.message ?? '', recalled: false, file: null } as never);
  return (
    <li class={`msg mine ${item.status}`} data-pending={item.status} data-cgid={item.clientGeneratedId}>
      <div class="bubble">
        <div class="meta">
          <span class="sender">You</span>
          <span>{item.status === 'pending' ? 'Sending…' : 'Not sent'}</span>
        </div>
        <p class="plain">{item.body.message_type === 'image' || item.body.message_type === 'file' ? 'Attachment' : preview}</p>
        {item.status === 'failed' && (
          <div class="row">
            <span class="error-text">{item.error?.message ?? 'Refused.'}</span>
            <button type="button" class="btn small" onClick={() => retrySend(item.clientGeneratedId)}>
              Retry
            </button>
            <button type="button" class="btn small" onClick={() => discardSend(item.clientGeneratedId)}>
              Discard
            </button>
          </div>
        )}
      </div>
    </li>
  );
}

export function TypingLine({ uids }: { uids: readonly string[] }) {
  const names = uids.map(displayName);
  const text = names.length === 0 ? '' : names.length === 1 ? `${names[0]} is typing…` : `${names.slice(0, 2).join(' and ')}${names.length > 2 ? ' and others' : ''} are typing…`;
  return (
    <div class="typing" aria-live="polite" data-typing={names.length || undefined}>
      {text}
    </div>
  );
}
