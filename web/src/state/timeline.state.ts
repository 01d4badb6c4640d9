import type { SendBody } from '@wetty/client';
import { Store } from '../lib/store.ts';
import { client } from './client.ts';
import { describeCode, describeError } from './errors.ts';
import type { Message, OutboxEntry, PendingItem } from './types.ts';

export interface Timeline {
  /** Stored messages of the chat that this page has, in seq order, each once. */
  messages: readonly Message[];
  /** Older history exists on the server. */
  hasMore: boolean;
  loading: boolean;
  error?: string;
  /** The highest seq the other side of a direct chat has read (from `read` events). */
  peerReadSeq: number;
}

const PAGE = 40;
const EMPTY: Timeline = { messages: [], hasMore: true, loading: false, peerReadSeq: 0 };

export const timelines = new Store<ReadonlyMap<string, Timeline>>(new Map());
/** Sends not stored yet, by client_generated_id. */
export const pending = new Store<ReadonlyMap<string, PendingItem>>(new Map());

export function timelineOf(chatId: string): Timeline {
  return timelines.get().get(chatId) ?? EMPTY;
}

function setTimeline(chatId: string, change: (timeline: Timeline) => Timeline): void {
  timelines.update((map) => new Map(map).set(chatId, change(map.get(chatId) ?? EMPTY)));
}

/** Merges messages into a timeline: by id, the later copy wins; ordered by seq. */
function merge(existing: readonly Message[], incoming: readonly Message[]): Message[] {
  const byId = new Map(existing.map((message) => [message.id, message]));
  for (const message of incoming) byId.set(message.id, message);
  return [...byId.values()].sort((a, b) => a.seq - b.seq);
}

/** Loads the newest page the first time a chat is opened. */
export async function openTimeline(chatId: string): Promise<void> {
  const current = timelines.get().get(chatId);
  if (current && (current.messages.length > 0 || current.loading || !current.hasMore)) return;
  await loadPage(chatId, undefined);
}

/** The page before the oldest message shown (infinite scroll up). */
export async function loadOlder(chatId: string): Promise<void> {
  const current = timelineOf(chatId);
  if (current.loading || !current.hasMore) return;
  await loadPage(chatId, current.messages[0]?.id);
}

async function loadPage(chatId: string, before: string | undefined): Promise<void> {
  setTimeline(chatId, (t) => ({ ...t, loading: true, error: undefined }));
  try {
    const page = await client.chats.history(chatId, before === undefined ? { max: PAGE } : { before, max: PAGE });
    setTimeline(chatId, (t) => ({ ...t, loading: false, hasMore: page.has_more, messages: merge(t.messages, page.messages) }));
  } catch (error) {
    setTimeline(chatId, (t) => ({ ...t, loading: false, error: describeError(error) }));
  }
}

export function onTimelineMessage(message: Message): void {
  if (!timelines.get().has(message.chat_id)) return; // loaded with its history when opened
  setTimeline(message.chat_id, (t) => ({ ...t, messages: merge(t.messages, [message]) }));
}

export function onTimelineRecall(chatId: string, msgId: string): void {
  patchMessage(chatId, msgId, (message) => ({ ...message, recalled: true }));
}

export function onTimelineReaction(chatId: string, msgId: string, reactions: Message['reactions']): void {
  patchMessage(chatId, msgId, (message) => ({ ...message, reactions }));
}

export function onTimelineEdit(edit: { chat_id: string; msg_id: string; message: string; format: Message['format']; edited_at: string; edit_count: number }): void {
  patchMessage(edit.chat_id, edit.msg_id, (message) =>
    edit.edit_count < message.edit_count ? message : { ...message, message: edit.message, format: edit.format, edited_at: edit.edited_at, edit_count: edit.edit_count },
  );
}

export function onPeerRead(chatId: string, seq: number): void {
  setTimeline(chatId, (t) => (seq > t.peerReadSeq ? { ...t, peerReadSeq: seq } : t));
}

function patchMessage(chatId: string, msgId: string, change: (message: Message) => Message): void {
  const current = timelines.get().get(chatId);
  if (!current?.messages.some((message) => message.id === msgId)) return;
  setTimeline(chatId, (t) => ({ ...t, messages: t.messages.map((message) => (message.id === msgId ? change(message) : message)) }));
}

/** Sends through the SDK's outbox: shown at once as pending, then replaced by the stored message. */
export function sendMessage(chatId: string, body: SendBody): void {
  const entry = client.chats.send(chatId, body);
  trackEntry(entry);
  // The `outbox` event reports the outcome too; following the promise as well costs nothing.
  void entry.done.then((result) =>
    trackEntry(
      result.ok
        ? { ...entry, status: 'sent', message: result.message }
        : { ...entry, status: 'failed', error: { status: result.error.status, code: result.error.code, message: result.error.message } },
    ),
  );
}

/** A refused send is kept with its reason; "retry" sends the same body under a new id. */
export function retrySend(clientGeneratedId: string): void {
  const item = pending.get().get(clientGeneratedId);
  if (!item) return;
  discardSend(clientGeneratedId);
  const { client_generated_id: _old, ...body } = item.body;
  sendMessage(item.chatId, body);
}

/** Sends the user discarded (or retried under a new id): late reports about them are ignored. */
const discarded = new Set<string>();

export function discardSend(clientGeneratedId: string): void {
  discarded.add(clientGeneratedId);
  pending.update((map) => {
    const next = new Map(map);
    next.delete(clientGeneratedId);
    return next;
  });
}

/** Follows an outbox entry (ours, or one restored from a previous page load). */
export function trackEntry(entry: OutboxEntry): void {
  if (entry.status === 'sent') {
    pending.update((map) => {
      const next = new Map(map);
      next.delete(entry.clientGeneratedId);
      return next;
    });
    if (entry.message) onTimelineMessage(entry.message);
    return;
  }
  if (discarded.has(entry.clientGeneratedId)) return;
  const item: PendingItem = {
    clientGeneratedId: entry.clientGeneratedId,
    chatId: entry.chatId,
    body: entry.body,
    status: entry.status,
    error: entry.error ? { code: entry.error.code, message: describeCode(entry.error.code, entry.error.message) } : undefined,
    createdAt: entry.createdAt,
  };
  pending.update((map) => new Map(map).set(entry.clientGeneratedId, item));
}

export function resetTimelines(): void {
  timelines.set(new Map());
  pending.set(new Map());
}
