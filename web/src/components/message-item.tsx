import { useState } from 'preact/hooks';
import { client } from '../state/client.ts';
import { describeError } from '../state/errors.ts';
import { displayName, userOf } from '../state/people.state.ts';
import { onTimelineEdit } from '../state/timeline.state.ts';
import type { Message } from '../state/types.ts';
import { Avatar } from './avatar.tsx';
import { MessageBody, previewOf } from './message-body.tsx';

export const QUICK_REACTIONS = ['👍', '❤️', '😂', '🎉', '😮', '😢'];
/** How long a sender may recall, as the api told the page (`RECALL_WINDOW_SECONDS`). */
const RECALL_WINDOW_MS = 1000 * Number(document.querySelector<HTMLMetaElement>('meta[name="wetty-recall-window-seconds"]')?.content ?? 120);
/** How long a sender may edit (`EDIT_WINDOW_SECONDS`; 0 = no limit). */
const EDIT_WINDOW_MS = 1000 * Number(document.querySelector<HTMLMetaElement>('meta[name="wetty-edit-window-seconds"]')?.content ?? 172_800);

interface Props {
  message: Message;
  myUid: string;
  /** Managers and owners may recall any message of their group. */
  canModerate: boolean;
  replyTo?: Message;
  /** The other side has read this message (direct chats). */
  seen?: boolean;
  replyCount?: number;
  onReply: (message: Message) => void;
  onOpenThread?: (message: Message) => void;
  onError: (text: string) => void;
}

export function MessageItem({ message, myUid, canModerate, replyTo, seen, replyCount, onReply, onOpenThread, onError }: Props) {
  const [picking, setPicking] = useState(false);
  const [draft, setDraft] = useState<string | null>(null);
  const mine = message.sender_uid === myUid;
  const sender = userOf(message.sender_uid);
  const name = displayName(message.sender_uid);
  const time = new Date(message.created_at);
  if (message.message_type === 'system') {
    return (
      <li class="msg" data-seq={message.seq}>
        <MessageBody message={message} />
      </li>
    );
  }
  const canRecall = !message.recalled && (canModerate || (mine && Date.now() - time.getTime() < RECALL_WINDOW_MS));
  const canEdit = mine && !message.recalled && (message.message_type === 'text' || message.message_type === 'emote') && (EDIT_WINDOW_MS === 0 || Date.now() - time.getTime() < EDIT_WINDOW_MS);

  const toggle = (emoji: string) => {
    setPicking(false);
    const reacted = message.reactions.some((r) => r.emoji === emoji && r.uids.includes(myUid));
    const call = reacted ? client.chats.unreact(message.chat_id, message.id, emoji) : client.chats.react(message.chat_id, message.id, emoji);
    call.catch((error: unknown) => onError(describeError(error)));
  };
  const recall = () => {
    client.chats.recall(message.id).catch((error: unknown) => onError(describeError(error)));
  };
  const pin = () => {
    client.chats.pin(message.chat_id, message.id).catch((error: unknown) => onError(describeError(error)));
  };
  const saveEdit = () => {
    const text = draft ?? '';
    setDraft(null);
    if (text.trim() === '' || text === message.message) return;
    client.chats.edit(message.chat_id, message.id, { message: text, format: message.format }).then(
      (answer) => {
        if ('edit_count' in answer && answer.edited_at !== null) onTimelineEdit({ ...answer, msg_id: answer.id, edited_at: answer.edited_at });
      },
      (error: unknown) => onError(describeError(error)),
    );
  };

  return (
    <li class={`msg${mine ? ' mine' : ''}`} data-seq={message.seq} data-msg-id={message.id} data-recalled={message.recalled ? 'true' : undefined}>
      <Avatar name={name} fid={sender?.avatar_fid} small />
      <div class="bubble">
        <div class="meta">
          <span class="sender">{mine ? 'You' : name}</span>
          <time dateTime={message.created_at}>{time.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}</time>
          {message.edit_count > 0 && !message.recalled && <span class="muted edited" title={message.edited_at ? new Date(message.edited_at).toLocaleString() : undefined}>(edited)</span>}
          {seen && <span class="seen">Seen</span>}
        </div>
        {replyTo && <div class="reply-quote">↩ {displayName(replyTo.sender_uid)}: {previewOf(replyTo)}</div>}
        {draft === null ? (
          <MessageBody message={message} />
        ) : (
          <form
            class="edit-form"
            onSubmit={(event) => {
              event.preventDefault();
              saveEdit();
            }}
          >
            <textarea
              aria-label="Edited text"
              value={draft}
              rows={Math.min(8, draft.split('\n').length + 1)}
              onInput={(event) => setDraft((event.target as HTMLTextAreaElement).value)}
              onKeyDown={(event) => {
                if (event.key === 'Escape') setDraft(null);
                if (event.key === 'Enter' && !event.shiftKey) {
                  event.preventDefault();
                  saveEdit();
                }
              }}
            />
            <div class="row">
              <button type="submit" class="btn small primary">Save</button>
              <button type="button" class="btn small" onClick={() => setDraft(null)}>Cancel</button>
            </div>
          </form>
        )}
        {message.reactions.length > 0 && (
          <div class="reactions" role="group" aria-label="Reactions">
            {message.reactions.map((reaction) => (
              <button
                key={reaction.emoji}
                type="button"
                class="reaction"
                aria-pressed={reaction.uids.includes(myUid)}
                aria-label={`${reaction.emoji} ${reaction.count}`}
                onClick={() => toggle(reaction.emoji)}
              >
                {reaction.emoji} {reaction.count}
              </button>
            ))}
          </div>
        )}
        {replyCount ? (
          <button type="button" class="btn small" onClick={() => onOpenThread?.(message)}>
            {replyCount} {replyCount === 1 ? 'reply' : 'replies'}
          </button>
        ) : null}
        {picking && (
          <div class="reactions" role="group" aria-label="Pick a reaction">
            {QUICK_REACTIONS.map((emoji) => (
              <button key={emoji} type="button" class="reaction" onClick={() => toggle(emoji)} aria-label={`React ${emoji}`}>
                {emoji}
              </button>
            ))}
          </div>
        )}
      </div>
      {!message.recalled && (
        <div class="msg-actions">
          <button type="button" class="icon-btn" onClick={() => onReply(message)} aria-label={`Reply to ${name}`} title="Reply">
            ↩
          </button>
          {onOpenThread && (
            <button type="button" class="icon-btn" onClick={() => onOpenThread(message)} aria-label="Open thread" title="Thread">
              ≡
            </button>
          )}
          <button type="button" class="icon-btn" onClick={() => setPicking(!picking)} aria-label="Add reaction" aria-expanded={picking} title="React">
            ☺
          </button>
          {canEdit && (
            <button type="button" class="icon-btn" onClick={() => setDraft(message.message)} aria-label="Edit message" title="Edit">
              ✎
            </button>
          )}
          <button type="button" class="icon-btn" onClick={pin} aria-label="Pin message" title="Pin">
            📌
          </button>
          {canRecall && (
            <button type="button" class="icon-btn" onClick={recall} aria-label="Recall message" title="Recall">
              ⌫
            </button>
          )}
        </div>
      )}
    </li>
  );
}
