import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';

/** One account the driver acts as: its token and the chats it is in. */
export interface ChaosUser {
  uid: string;
  username: string;
  password: string;
  token: string;
  chats: Set<string>;
}

export interface SendRecord {
  scenario: string;
  cgid: string;
  chatId: string;
  sender: string;
  /** Every answer, in order: `201`, `202`, `503:unavailable`, `ECONNREFUSED`, … */
  answers: string[];
  acknowledged: boolean;
  startedAt: number;
}

/** A frame received by a socket, or a message found by the client's own gap fill. */
export interface Receipt {
  msgId: string;
  chatId: string;
  seq: number;
  at: number;
  live: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Minimal HTTP for the driver: never throws, answers the status (0 for a network error) and body. */
export async function call(baseUrl: string, method: string, path: string, token?: string, json?: unknown): Promise<{ status: number; body: any; code: string; retryAfter: string | null }> {
  try {
    const res = await fetch(baseUrl + path, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(json === undefined ? {} : { 'content-type': 'application/json' }) },
      body: json === undefined ? undefined : JSON.stringify(json),
      signal: AbortSignal.timeout(60_000),
    });
    const text = await res.text();
    let body: any = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: res.status, body, code: body?.error?.code ?? '', retryAfter: res.headers.get('retry-after') };
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause;
    return { status: 0, body: null, code: cause?.code ?? (err as Error).name, retryAfter: null };
  }
}

/**
 * A user's device: one socket that pings, reconnects when closed, and after each `on_ready` and each
 * `resync` notice fills gaps with `?after=` like a real client. It records every message it gets,
 * live or by its own gap fill, and duplicate live frames on one connection.
 */
export class Device {
  readonly receipts = new Map<string, Receipt>();
  /** Per chat, the seqs held and the highest seq up to which none is missing (docs/api.md, gap filling). */
  private readonly held = new Map<string, Set<number>>();
  private readonly contiguous = new Map<string, number>();
  duplicateFrames = 0;
  closes: Record<string, number> = {};
  private ws: WebSocket | null = null;
  private stopped = false;
  private pinger: NodeJS.Timeout | null = null;
  ready = false;
  /** Frames of one chat after a moment: for stale-permission checks. */
  readonly frames: { chatId: string; msgId: string; at: number; event: string }[] = [];
  closedWith: number | null = null;
  /** What happened to this device, for a missing pair's explanation: connects, fills, closes. */
  readonly trail: string[] = [];

  constructor(
    readonly user: ChaosUser,
    private readonly wsUrl: string,
    private readonly apiUrl: string,
    readonly token: string = user.token,
    private readonly reconnect = true,
  ) {}

  open(): void {
    if (this.stopped) return;
    const seen = new Set<string>();
    const ws = new WebSocket(`${this.wsUrl}?uid=${this.user.uid}&token=${this.token}`, { perMessageDeflate: false, handshakeTimeout: 20_000 });
    this.ws = ws;
    ws.on('message', (data: WebSocket.RawData) => {
      const text = data.toString();
      if (text === 'pong') return;
      let frame: { event: string; data: Record<string, any> };
      try {
        frame = JSON.parse(text);
      } catch {
        return;
      }
      if (frame.event === 'on_ready') {
        this.trail.push(`${Date.now()} ready`);
        this.ready = true;
        this.fillGaps().catch(() => undefined);
      } else if (frame.event === 'on_message') {
        const id = String(frame.data.id);
        const chatId = String(frame.data.chat_id);
        this.frames.push({ chatId, msgId: id, at: Date.now(), event: frame.event });
        if (seen.has(id)) this.duplicateFrames++;
        seen.add(id);
        this.record({ msgId: id, chatId, seq: Number(frame.data.seq), at: Date.now(), live: true });
      } else if (frame.event === 'on_notify' && frame.data.type === 'resync') {
        this.trail.push(`${Date.now()} resync`);
        this.fillGaps().catch(() => undefined);
      }
    });
    ws.on('error', () => undefined);
    ws.on('close', (code: number) => {
      this.trail.push(`${Date.now()} close ${code}`);
      this.ready = false;
      this.closedWith = code;
      this.closes[code] = (this.closes[code] ?? 0) + 1;
      if (this.pinger) clearInterval(this.pinger);
      if (!this.stopped && this.reconnect && code !== 4003) setTimeout(() => this.open(), 300 + Math.random() * 500);
    });
    ws.on('open', () => {
      this.pinger = setInterval(() => {
        if (ws.readyState === WebSocket.OPEN) ws.send('ping');
      }, 5_000);
    });
  }

  private record(receipt: Receipt): void {
    if (!this.receipts.has(receipt.msgId)) this.receipts.set(receipt.msgId, receipt);
    const held = this.held.get(receipt.chatId) ?? new Set<number>();
    this.held.set(receipt.chatId, held);
    held.add(receipt.seq);
    let contiguous = this.contiguous.get(receipt.chatId) ?? 0;
    while (held.has(contiguous + 1)) contiguous++;
    this.contiguous.set(receipt.chatId, contiguous);
  }

  /**
   * What a client does after connecting and on resync (docs/api.md, gap filling): fill each chat from
   * its `contiguous` seq. One fill at a time; one asked for meanwhile runs once this one ends. A
   * request that fails (no answer, 5xx, 429) is retried with backoff, as the SDK does.
   */
  fillGaps(): Promise<void> {
    this.fillAgain = this.filling !== null;
    this.filling ??= this.fillUntilDone().finally(() => (this.filling = null));
    return this.filling;
  }

  private filling: Promise<void> | null = null;
  private fillAgain = false;

  private async fillUntilDone(): Promise<void> {
    do {
      this.fillAgain = false;
      for (const chatId of this.user.chats) await this.fillChat(chatId);
    } while (this.fillAgain && !this.stopped);
  }

  private async fillChat(chatId: string): Promise<void> {
    let after = this.contiguous.get(chatId) ?? 0;
    for (let page = 0, failures = 0; page < 50 && !this.stopped; ) {
      const res = await call(this.apiUrl, 'GET', `/chats/${chatId}/messages?after=${after}&max=100`, this.token);
      if (res.status !== 200) {
        this.trail.push(`${Date.now()} fill ${chatId} after ${after}: ${res.status} ${res.code}`);
        if (res.status !== 0 && res.status !== 429 && res.status < 500) return; // refused: not this user's chat any more
        await sleep(Math.min(5000, 250 * 2 ** failures++) * (0.5 + Math.random() / 2));
        continue;
      }
      page++;
      const messages = res.body.messages as { id: string; seq: number }[];
      for (const m of messages) this.record({ msgId: String(m.id), chatId, seq: Number(m.seq), at: Date.now(), live: false });
      if (messages.length > 0) after = Number(messages.at(-1)?.seq);
      if (!res.body.has_more || messages.length === 0) {
        // The range up to the last seq returned is complete: holes below it are messages this user
        // may not see. Seqs held above it arrived live meanwhile; what is missing between them is
        // still on its way (or lost, and the next resync fills it), so `contiguous` stops there.
        this.advance(chatId, after);
        return;
      }
    }
  }

  private advance(chatId: string, complete: number): void {
    const held = this.held.get(chatId) ?? new Set<number>();
    let contiguous = Math.max(this.contiguous.get(chatId) ?? 0, complete);
    while (held.has(contiguous + 1)) contiguous++;
    this.contiguous.set(chatId, contiguous);
  }

  close(): void {
    this.stopped = true;
    if (this.pinger) clearInterval(this.pinger);
    this.ws?.close();
  }
}

/**
 * Steady sends: `concurrency` loops, each picking a random (user, chat) and sending a new message;
 * a send that meets a 503 or a refused connection is retried with the same client_generated_id
 * until it is answered 201 or 202, as a client would.
 */
export class Sender {
  readonly records: SendRecord[] = [];
  private running = false;
  private loops: Promise<void>[] = [];
  scenario = '';

  constructor(
    private readonly apiUrl: string,
    private readonly pick: () => { user: ChaosUser; chatId: string },
  ) {}

  start(concurrency: number, pauseMs: number): void {
    this.running = true;
    this.loops = Array.from({ length: concurrency }, async () => {
      while (this.running) {
        const { user, chatId } = this.pick();
        await this.sendUntilAnswered(user, chatId, `${this.scenario}-${randomBytes(6).toString('hex')}`);
        await sleep(pauseMs);
      }
    });
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  async sendUntilAnswered(user: ChaosUser, chatId: string, cgid: string, message = cgid): Promise<SendRecord> {
    const record: SendRecord = { scenario: this.scenario, cgid, chatId, sender: user.uid, answers: [], acknowledged: false, startedAt: Date.now() };
    this.records.push(record);
    const deadline = Date.now() + 180_000;
    while (Date.now() < deadline) {
      const res = await call(this.apiUrl, 'POST', `/chats/${chatId}/messages`, user.token, { client_generated_id: cgid, message_type: 'text', message });
      const answer = res.status === 0 ? res.code : res.status === 201 || res.status === 202 ? String(res.status) : `${res.status}:${res.code}${res.status === 503 && !res.retryAfter ? ':no-retry-after' : ''}`;
      record.answers.push(answer);
      if (res.status === 201 || res.status === 202) {
        record.acknowledged = true;
        return record;
      }
      if (res.status >= 400 && res.status < 500) return record; // a refusal: not retried
      await sleep(250 + Math.random() * 500);
    }
    return record;
  }
}
