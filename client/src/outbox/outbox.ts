import { WettyError } from '../errors.ts';
import type { Message, Notification } from '../protocol/frames.ts';
import { fullJitterDelay } from '../connection/backoff.ts';
import type { OutboxEntry, OutboxStore, PendingMessage, SendBody, SendResult } from '../types.ts';

type SendAnswer = { status: 201; message: Message } | { status: 202 };

export interface OutboxHooks {
  /** `POST /chats/{chat_id}/messages`; 201 with the message or 202 queued; throws WettyError. */
  post(chatId: string, body: OutboxEntry['body']): Promise<SendAnswer>;
  changed(entry: OutboxEntry): void;
  /** The uid whose echoes settle entries. */
  uid(): string | undefined;
}

export interface OutboxOptions {
  /** After a 202, how long to wait for the echo before asking again (the same id answers the stored message). */
  confirmTimeoutMs?: number;
  baseMs?: number;
  maxMs?: number;
}

interface Live {
  entry: OutboxEntry;
  /** The api answered 202: queued; the chat's next entry may go while this one is confirmed. */
  accepted?: boolean;
  pending: PendingMessage;
  resolve(result: SendResult): void;
}

const randomId = (): string => {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
};

/** Refusals that answer the same on every retry: the entry fails with the code. */
const isRefusal = (error: WettyError) => error.status >= 400 && error.status < 500 && error.status !== 401 && error.status !== 408 && error.status !== 429;

/**
 * The optimistic outbox. `send` returns at once with a pending entry and its `client_generated_id`;
 * entries of one chat go out one at a time in the order sent (so their seqs follow that order) until
 * the api has taken each (201 stored, or 202 queued: then the next may go).
 * Network failures, 5xx, 429 and 401 (until a fresh token) are retried with the same id — the api
 * answers a retry with the stored message — and a 202 waits for the echo (`on_message` with this id,
 * or `send_failed`) before asking again. Refusals (400/403/404/409) fail the entry with their code.
 */
export class Outbox {
  private readonly live = new Map<string, Live>();
  private readonly queues = new Map<string, string[]>();
  private readonly running = new Set<string>();
  private readonly waiters = new Map<string, (outcome: { message: Message } | { code: string }) => void>();
  private paused = true;
  private loaded: Promise<void>;

  constructor(
    private readonly store: OutboxStore,
    private readonly hooks: OutboxHooks,
    private readonly options: OutboxOptions = {},
  ) {
    this.loaded = Promise.resolve(store.load()).then(
      (entries) => {
        for (const entry of entries.sort((a, b) => a.createdAt.localeCompare(b.createdAt))) if (entry.status === 'pending') this.track(entry);
      },
      () => undefined,
    );
  }

  /** Entries not yet settled. */
  pending(): PendingMessage[] {
    return [...this.live.values()].map((l) => l.pending);
  }

  /** Resolves once entries persisted by an earlier run are loaded. */
  whenLoaded(): Promise<void> {
    return this.loaded;
  }

  send(chatId: string, body: SendBody): PendingMessage {
    const clientGeneratedId = body.client_generated_id ?? randomId();
    const existing = this.live.get(clientGeneratedId);
    if (existing) return existing.pending;
    const entry: OutboxEntry = {
      clientGeneratedId,
      chatId,
      body: { ...body, client_generated_id: clientGeneratedId } as OutboxEntry['body'],
      status: 'pending',
      attempts: 0,
      createdAt: new Date().toISOString(),
    };
    const pending = this.track(entry);
    this.persist(entry);
    this.hooks.changed(entry);
    return pending;
  }

  /** Sending stops while there is no session and resumes with one. */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    for (const chatId of this.queues.keys()) this.pump(chatId);
  }

  /** A message seen on the socket or in a fill: settles the entry it echoes. */
  onMessage(message: Message): void {
    if (message.sender_uid !== this.hooks.uid()) return;
    this.waiters.get(message.client_generated_id)?.({ message });
    const live = this.live.get(message.client_generated_id);
    if (live && live.entry.chatId === message.chat_id) this.settle(live, { ok: true, message });
  }

  /** `on_notify send_failed`: the worker refused a queued send. */
  onNotify(notification: Notification): void {
    if (notification.type !== 'send_failed' || typeof notification.client_generated_id !== 'string') return;
    const code = typeof notification.code === 'string' ? notification.code : 'send_failed';
    this.waiters.get(notification.client_generated_id)?.({ code });
  }

  private track(entry: OutboxEntry): PendingMessage {
    let resolve!: (result: SendResult) => void;
    const done = new Promise<SendResult>((r) => (resolve = r));
    const pending = Object.assign(entry, { done }) as PendingMessage;
    this.live.set(entry.clientGeneratedId, { entry, pending, resolve });
    const queue = this.queues.get(entry.chatId);
    if (queue) queue.push(entry.clientGeneratedId);
    else this.queues.set(entry.chatId, [entry.clientGeneratedId]);
    this.pump(entry.chatId);
    return pending;
  }

  private pump(chatId: string): void {
    if (this.paused || this.running.has(chatId)) return;
    const queue = this.queues.get(chatId);
    const id = queue?.[0];
    if (id === undefined) {
      this.queues.delete(chatId);
      return;
    }
    const live = this.live.get(id);
    if (!live) {
      queue?.shift();
      this.pump(chatId);
      return;
    }
    this.running.add(chatId);
    this.deliver(live).finally(() => {
      this.running.delete(chatId);
      if (this.queues.get(chatId)?.[0] === id && (live.entry.status !== 'pending' || live.accepted)) this.queues.get(chatId)?.shift();
      this.pump(chatId);
    });
  }

  /**
   * Tries one entry until the api stores it, refuses it, or accepts it for later (202): from then
   * on the next entry of the chat may go, and this one is confirmed in the background.
   */
  private async deliver(live: Live): Promise<void> {
    let failures = 0;
    while (live.entry.status === 'pending' && !this.paused) {
      live.entry.attempts += 1;
      try {
        const answer = await this.hooks.post(live.entry.chatId, live.entry.body);
        if (live.entry.status !== 'pending') return;
        if (answer.status === 201) return this.settle(live, { ok: true, message: answer.message });
        live.accepted = true;
        void this.confirm(live);
        return;
      } catch (error) {
        if (live.entry.status !== 'pending') return;
        const failure = error instanceof WettyError ? error : new WettyError(0, 'network_error', String(error));
        if (isRefusal(failure)) return this.settle(live, { ok: false, error: failure });
        failures += 1;
        const delay = Math.max(fullJitterDelay(failures, this.options.baseMs ?? 250, this.options.maxMs ?? 10_000), (failure.retryAfter ?? 0) * 1000);
        this.persist(live.entry);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  /** A queued (202) entry: wait for its echo or `send_failed`; without either in time, ask again with the same id. */
  private async confirm(live: Live): Promise<void> {
    let failures = 0;
    while (live.entry.status === 'pending') {
      const outcome = await this.waitForEcho(live.entry.clientGeneratedId);
      if (live.entry.status !== 'pending') return;
      if (outcome && 'message' in outcome) return this.settle(live, { ok: true, message: outcome.message });
      if (outcome) return this.settle(live, { ok: false, error: new WettyError(403, outcome.code, `The send was refused: ${outcome.code}`) });
      if (this.paused) continue;
      try {
        live.entry.attempts += 1;
        const answer = await this.hooks.post(live.entry.chatId, live.entry.body);
        if (answer.status === 201) return this.settle(live, { ok: true, message: answer.message });
        failures = 0;
      } catch (error) {
        if (live.entry.status !== 'pending') return;
        const failure = error instanceof WettyError ? error : new WettyError(0, 'network_error', String(error));
        if (isRefusal(failure)) return this.settle(live, { ok: false, error: failure });
        failures += 1;
        await new Promise((resolve) => setTimeout(resolve, fullJitterDelay(failures, this.options.baseMs ?? 250, this.options.maxMs ?? 10_000)));
      }
    }
  }

  private waitForEcho(id: string): Promise<{ message: Message } | { code: string } | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(undefined), this.options.confirmTimeoutMs ?? 5_000);
      const finish = (outcome: { message: Message } | { code: string } | undefined) => {
        clearTimeout(timer);
        this.waiters.delete(id);
        resolve(outcome);
      };
      this.waiters.set(id, finish);
    });
  }

  private settle(live: Live, result: SendResult): void {
    if (live.entry.status !== 'pending') return;
    if (result.ok) {
      live.entry.status = 'sent';
      live.entry.message = result.message;
    } else {
      live.entry.status = 'failed';
      live.entry.error = { status: result.error.status, code: result.error.code, message: result.error.message };
    }
    this.live.delete(live.entry.clientGeneratedId);
    this.waiters.get(live.entry.clientGeneratedId)?.(result.ok ? { message: result.message } : { code: result.error.code });
    Promise.resolve(this.store.delete(live.entry.clientGeneratedId)).catch(() => undefined);
    this.hooks.changed(live.entry);
    live.resolve(result);
  }

  private persist(entry: OutboxEntry): void {
    const { done: _done, ...plain } = entry as PendingMessage;
    Promise.resolve(this.store.put(plain)).catch(() => undefined);
  }
}
