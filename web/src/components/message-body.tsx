import { useState } from 'preact/hooks';
import { LazyMarkdown } from './lazy-markdown.tsx';
import type { Message } from '../state/types.ts';
import { userOf } from '../state/people.state.ts';
import { Lightbox } from './lightbox.tsx';
import { fallBackToFull, fileUrl, useFileUrl } from './use-file-url.ts';

/** What a message says, by its type; text always lands in text nodes (markdown is built as elements). */
export function MessageBody({ message }: { message: Message }) {
  if (message.recalled) return <p class="recalled">This message was recalled.</p>;
  switch (message.message_type) {
    case 'emote':
      return <p class="emote">* {message.message}</p>;
    case 'image':
      return <ImageBody message={message} />;
    case 'file':
      return <FileBody message={message} />;
    case 'reminder':
      return (
        <div>
          <p class="muted">⏰ Reminder{message.remind_at ? ` for ${new Date(message.remind_at).toLocaleString()}` : ''}</p>
          <TextBody message={message} />
        </div>
      );
    case 'system':
      return <p class="system">{message.message}</p>;
    default:
      return <TextBody message={message} />;
  }
}

function TextBody({ message }: { message: Message }) {
  if (message.format === 'markdown') return <LazyMarkdown text={message.message} />;
  return <p class="plain">{withMentions(message.message, message.mentions)}</p>;
}

/** `@username` of a mentioned person is highlighted; everything else stays plain text. */
function withMentions(text: string, mentions: readonly string[]) {
  if (mentions.length === 0) return text;
  const names = new Set(mentions.map((uid) => userOf(uid)?.username.toLowerCase()).filter(Boolean));
  return text.split(/(@[A-Za-z0-9_.-]+)/).map((part, i) =>
    part.startsWith('@') && names.has(part.slice(1).toLowerCase()) ? (
      <span key={i} class="mention">
        {part}
      </span>
    ) : (
      part
    ),
  );
}

function ImageBody({ message }: { message: Message }) {
  const thumb = useFileUrl(message.file?.fid ?? message.message, 'thumb');
  const [full, setFull] = useState<string | null>(null);
  const name = message.file?.name ?? 'image';
  const open = () => {
    fileUrl(message.file?.fid ?? message.message, 'full').then(setFull, () => undefined);
  };

  return (
    <>
      <button type="button" class="thumb" onClick={open} aria-label={`Open image ${name}`}>
        {thumb ? <img src={thumb} alt={name} loading="lazy" data-thumb onError={fallBackToFull(message.file?.fid ?? message.message)} /> : <span class="muted">Loading image…</span>}
      </button>
      {full && <Lightbox src={full} alt={name} onClose={() => setFull(null)} />}
    </>
  );
}

function FileBody({ message }: { message: Message }) {
  const url = useFileUrl(message.file?.fid ?? message.message, 'full');
  const file = message.file;
  return (
    <div class="file-card">
      <span aria-hidden="true">📄</span>
      <span class="grow">
        <strong>{file?.name ?? 'file'}</strong>
        <br />
        <span class="muted">{file ? formatBytes(file.size) : ''}</span>
      </span>
      {url && (
        <a class="btn small" href={url} download={file?.name ?? 'file'}>
          Download<span class="visually-hidden"> {file?.name}</span>
        </a>
      )}
    </div>
  );
}

export function formatBytes(size: number): string {
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(1)} KB`;
  if (size < 1024 ** 3) return `${(size / 1024 / 1024).toFixed(1)} MB`;
  return `${(size / 1024 ** 3).toFixed(2)} GB`;
}

/** A one-line preview of a message (chat list, reply quotes). */
export function previewOf(message: Pick<Message, 'message_type' | 'message' | 'recalled' | 'file'> | null | undefined): string {
  if (!message) return '';
  if (message.recalled) return 'Message recalled';
  switch (message.message_type) {
    case 'image':
      return `📷 ${message.file?.name ?? 'Image'}`;
    case 'file':
      return `📄 ${message.file?.name ?? 'File'}`;
    case 'emote':
      return `* ${message.message}`;
    case 'reminder':
      return `⏰ ${message.message}`;
    default:
      return message.message.replace(/\s+/g, ' ').slice(0, 120);
  }
}
