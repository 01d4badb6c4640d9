import type { SendBody } from '@wetty/client';
import { useRef, useState } from 'preact/hooks';
import { client } from '../state/client.ts';
import { describeError } from '../state/errors.ts';
import { displayName } from '../state/people.state.ts';
import { sendMessage } from '../state/timeline.state.ts';
import type { Message } from '../state/types.ts';
import { previewOf } from './message-body.tsx';

export interface MentionCandidate {
  uid: string;
  username: string;
  nickname?: string;
}

type Mode = 'text' | 'markdown' | 'emote' | 'reminder';

interface Props {
  chatId: string;
  /** Why this user cannot write here (muted, blocked…); the composer says so instead of a form. */
  disabledReason?: string | null;
  members: readonly MentionCandidate[];
  replyTo: Message | null;
  /** For replies inside a thread view: the thread's root. */
  threadRootId?: string;
  onClearReply: () => void;
  label?: string;
}

const TYPING_EVERY_MS = 2000;

export function Composer({ chatId, disabledReason, members, replyTo, threadRootId, onClearReply, label = 'Message' }: Props) {
  const [text, setText] = useState('');
  const [mode, setMode] = useState<Mode>('text');
  const [remindAt, setRemindAt] = useState('');
  const [upload, setUpload] = useState<{ name: string; sent: number; total: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [query, setQuery] = useState<{ start: number; prefix: string } | null>(null);
  const [active, setActive] = useState(0);
  const mentioned = useRef(new Map<string, string>()); // username (lower case) → uid
  const lastTyping = useRef(0);
  const textRef = useRef<HTMLTextAreaElement>(null);
  const fileRef = useRef<HTMLInputElement>(null);

  const ids = threadRootId ? `${chatId}-thread-${threadRootId}` : chatId;
  if (disabledReason) {
    return (
      <div class="composer">
        <p class="notice" role="status" data-composer-disabled>
          {disabledReason}
        </p>
      </div>
    );
  }

  const candidates = query ? members.filter((m) => m.username.toLowerCase().startsWith(query.prefix.toLowerCase())).slice(0, 8) : [];

  const replyFields = (): Pick<SendBody, 'reply_to_id' | 'reply_root_id'> => {
    if (replyTo) return { reply_to_id: replyTo.id, reply_root_id: replyTo.reply_root_id ?? replyTo.id };
    if (threadRootId) return { reply_to_id: threadRootId, reply_root_id: threadRootId };
    return {};
  };

  const submit = (event?: Event) => {
    event?.preventDefault();
    const body = text.trim();
    if (!body) return;
    const mentions = [...new Set([...mentioned.current].filter(([name]) => new RegExp(`@${escape(name)}\\b`, 'i').test(body)).map(([, uid]) => uid))];
    let send: SendBody;
    if (mode === 'emote') send = { message: body, message_type: 'emote' };
    else if (mode === 'reminder') {
      const at = new Date(remindAt);
      if (Number.isNaN(at.getTime())) return setError('Pick when to remind.');
      send = { message: body, message_type: 'reminder', remind_at: at.toISOString(), ...(mentions.length ? { mentions } : {}) };
    } else send = { message: body, message_type: 'text', ...(mode === 'markdown' ? { format: 'markdown' } : {}), ...(mentions.length ? { mentions } : {}) };
    sendMessage(chatId, { ...send, ...replyFields() });
    setText('');
    setError(null);
    mentioned.current.clear();
    onClearReply();
    textRef.current?.focus();
  };

  const onInput = (event: Event) => {
    const area = event.currentTarget as HTMLTextAreaElement;
    setText(area.value);
    const before = area.value.slice(0, area.selectionStart);
    const match = /(^|\s)@([A-Za-z0-9_.-]{0,32})$/.exec(before);
    setQuery(match ? { start: before.length - (match[2]?.length ?? 0) - 1, prefix: match[2] ?? '' } : null);
    setActive(0);
    if (Date.now() - lastTyping.current > TYPING_EVERY_MS && area.value) {
      lastTyping.current = Date.now();
      client.chats.typing(chatId);
    }
  };

  const pick = (candidate: MentionCandidate) => {
    if (!query) return;
    const end = query.start + 1 + query.prefix.length;
    const next = `${text.slice(0, query.start)}@${candidate.username} ${text.slice(end)}`;
    mentioned.current.set(candidate.username.toLowerCase(), candidate.uid);
    setText(next);
    setQuery(null);
    requestAnimationFrame(() => {
      const caret = query.start + candidate.username.length + 2;
      textRef.current?.focus();
      textRef.current?.setSelectionRange(caret, caret);
    });
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (candidates.length > 0) {
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        setActive((active + (event.key === 'ArrowDown' ? 1 : candidates.length - 1)) % candidates.length);
        return;
      }
      if (event.key === 'Enter' || event.key === 'Tab') {
        event.preventDefault();
        const candidate = candidates[active];
        if (candidate) pick(candidate);
        return;
      }
      if (event.key === 'Escape') {
        setQuery(null);
        return;
      }
    }
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) submit(event);
    if (event.key === 'Escape' && replyTo) onClearReply();
  };

  const onFile = async () => {
    const file = fileRef.current?.files?.[0];
    if (!file) return;
    if (fileRef.current) fileRef.current.value = '';
    setUpload({ name: file.name, sent: 0, total: file.size });
    setError(null);
    try {
      const stored = await client.files.upload(file, { onProgress: (sent, total) => setUpload({ name: file.name, sent, total }) });
      const isImage = /^image\/(png|jpeg|gif|webp)$/.test(stored.mime);
      sendMessage(chatId, { message: stored.fid, message_type: isImage ? 'image' : 'file', ...replyFields() });
      onClearReply();
    } catch (err) {
      setError(`Upload failed: ${describeError(err)}`);
    } finally {
      setUpload(null);
    }
  };

  const listId = `mentions-${ids}`;
  return (
    <div class="composer">
      {replyTo && (
        <div class="composer-bar">
          <span class="grow">
            Replying to {displayName(replyTo.sender_uid)}: {previewOf(replyTo)}
          </span>
          <button type="button" class="btn small" onClick={onClearReply}>
            Cancel reply
          </button>
        </div>
      )}
      {upload && (
        <div class="composer-bar" data-upload>
          <span>Uploading {upload.name}</span>
          <progress class="progress grow" max={upload.total || 1} value={upload.sent} aria-label={`Upload progress of ${upload.name}`} />
          <span>{upload.total ? Math.round((upload.sent / upload.total) * 100) : 0}%</span>
        </div>
      )}
      {error && (
        <p class="error-text" role="alert">
          {error}
        </p>
      )}
      {candidates.length > 0 && (
        <ul class="autocomplete" id={listId} role="listbox" aria-label="Mention someone">
          {candidates.map((candidate, i) => (
            <li
              key={candidate.uid}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              onMouseDown={(event) => {
                event.preventDefault();
                pick(candidate);
              }}
            >
              @{candidate.username} {candidate.nickname && candidate.nickname !== candidate.username ? <span class="muted">({candidate.nickname})</span> : null}
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={submit}>
        <label class="visually-hidden" for={`mode-${ids}`}>
          Message kind
        </label>
        <select id={`mode-${ids}`} value={mode} onChange={(e) => setMode((e.currentTarget as HTMLSelectElement).value as Mode)}>
          <option value="text">Text</option>
          <option value="markdown">Markdown</option>
          <option value="emote">Emote</option>
          <option value="reminder">Reminder</option>
        </select>
        <div class="grow">
          {mode === 'reminder' && (
            <>
              <label class="visually-hidden" for={`remind-${ids}`}>
                Remind at
              </label>
              <input id={`remind-${ids}`} type="datetime-local" value={remindAt} onInput={(e) => setRemindAt((e.currentTarget as HTMLInputElement).value)} required />
            </>
          )}
          <label class="visually-hidden" for={`text-${ids}`}>
            {label}
          </label>
          <textarea
            id={`text-${ids}`}
            ref={textRef}
            rows={1}
            value={text}
            placeholder={mode === 'emote' ? 'An emote, one line' : 'Write a message (@ to mention)'}
            onInput={onInput}
            onKeyDown={onKeyDown}
            {...{ role: 'combobox' as never }}
            aria-expanded={candidates.length > 0}
            aria-controls={listId}
            aria-autocomplete="list"
            aria-activedescendant={candidates.length > 0 ? `${listId}-${active}` : undefined}
            maxLength={mode === 'emote' ? 64 : 4000}
          />
        </div>
        <input ref={fileRef} type="file" class="visually-hidden" id={`file-${ids}`} onChange={onFile} tabIndex={-1} aria-hidden="true" />
        <button type="button" class="btn" onClick={() => fileRef.current?.click()} disabled={upload !== null}>
          Attach
        </button>
        <button type="submit" class="btn primary">
          Send
        </button>
      </form>
    </div>
  );
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
}
