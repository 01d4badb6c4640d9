import type { ChatChange } from '../protocol/frames.ts';
import type { ResponseOf } from '../rest/request-types.ts';
import { GapFiller } from './gap-filler.ts';

export interface ChangeFeedHooks {
  /** One page of `GET /chats/{chat_id}/changes?since=`. */
  fetchSince(chatId: string, since: number, max: number): Promise<ResponseOf<'GET /chats/{chat_id}/changes'>>;
  /** A change, per chat exactly once and in cursor order. */
  apply(change: ChatChange): void;
}

export interface ChangeFeedOptions {
  pageSize: number;
  gapTimeoutMs: number;
  maxFailures: number;
}

interface ChatCursor {
  /** The highest cursor applied (or known to be reflected in what the app loaded); unknown until seeded. */
  cursor: number | undefined;
  /** Frames above `cursor + 1`, waiting for the ones before them. */
  held: Map<number, ChatChange>;
}

/**
 * Per-chat edits, recalls, reactions and pins, exactly once and in cursor order. Each chat keeps the
 * highest cursor applied; a frame at or below it is a duplicate, one right after it is applied, and
 * one further ahead waits `gapTimeoutMs` for the frames before it, then the chat is filled from
 * `GET /chats/{chat_id}/changes?since=` (a gap may also be a change by someone you block, which the
 * fill leaves out). After a reconnect every chat whose `change_cursor` is ahead is filled.
 */
export class ChangeFeed {
  private readonly chats = new Map<string, ChatCursor>();
  private readonly filler: GapFiller;

  constructor(
    private readonly hooks: ChangeFeedHooks,
    private readonly options: ChangeFeedOptions,
  ) {
    this.filler = new GapFiller(
      {
        hasGap: (chatId) => (this.chats.get(chatId)?.held.size ?? 0) > 0,
        read: async (chatId) => {
          await this.readSince(chatId, this.chat(chatId));
          return false;
        },
        filled: (chatId) => this.drain(chatId, this.chat(chatId)),
        gone: (chatId) => this.chats.delete(chatId),
        gaveUp: (chatId) => {
          // Give up on the hole: apply what is held, in order.
          const chat = this.chat(chatId);
          const first = Math.min(...chat.held.keys());
          if (Number.isFinite(first)) chat.cursor = first - 1;
          this.drain(chatId, chat);
        },
      },
      options,
    );
  }

  /** Where a chat's changes stand. */
  cursor(chatId: string): number | undefined {
    return this.chats.get(chatId)?.cursor;
  }

  /** The app loaded the chat as of this cursor (from `GET /chats`): older changes are already in what it shows. */
  seed(chatId: string, cursor: number): void {
    const chat = this.chat(chatId);
    if (chat.cursor !== undefined) return;
    chat.cursor = cursor;
    this.drain(chatId, chat);
  }

  onFrame(change: ChatChange): void {
    const chat = this.chat(change.data.chat_id);
    if (chat.cursor === undefined) {
      // A chat not seeded yet: nothing to compare with, so this frame is where it starts.
      chat.cursor = change.cursor;
      this.hooks.apply(change);
      return;
    }
    if (change.cursor <= chat.cursor) return;
    chat.held.set(change.cursor, change);
    this.drain(change.data.chat_id, chat);
  }

  /** After a reconnect: the chat list's cursors say which chats changed while away (null: fill every known chat). */
  catchUp(chats: readonly { chat_id: string; change_cursor: number }[] | null): void {
    if (chats === null) {
      for (const chatId of this.chats.keys()) this.filler.fill(chatId);
      return;
    }
    for (const item of chats) {
      const chat = this.chat(item.chat_id);
      if (chat.cursor === undefined) this.seed(item.chat_id, item.change_cursor);
      else if (item.change_cursor > chat.cursor) this.filler.fill(item.chat_id);
    }
  }

  stop(): void {
    this.filler.stop();
  }

  private chat(chatId: string): ChatCursor {
    let chat = this.chats.get(chatId);
    if (!chat) this.chats.set(chatId, (chat = { cursor: undefined, held: new Map() }));
    return chat;
  }

  /** Applies held frames that follow on; waits for a gap, then fills it. */
  private drain(chatId: string, chat: ChatCursor): void {
    if (chat.cursor === undefined) return;
    for (const cursor of [...chat.held.keys()]) if (cursor <= chat.cursor) chat.held.delete(cursor);
    for (let next = chat.held.get(chat.cursor + 1); next; next = chat.held.get(chat.cursor + 1)) {
      chat.held.delete(next.cursor);
      chat.cursor = next.cursor;
      this.hooks.apply(next);
    }
    if (chat.held.size === 0) this.filler.settled(chatId);
    else this.filler.watch(chatId);
  }

  /** Reads every page of changes after the chat's cursor. */
  private async readSince(chatId: string, chat: ChatCursor): Promise<void> {
    for (;;) {
      const since = chat.cursor ?? 0;
      const answer = await this.hooks.fetchSince(chatId, since, this.options.pageSize);
      for (const change of answer.changes as ChatChange[]) {
        if (chat.cursor !== undefined && change.cursor <= chat.cursor) continue;
        chat.cursor = change.cursor;
        this.hooks.apply(change);
      }
      // Changes the feed leaves out (by people you block) are passed over too.
      chat.cursor = Math.max(chat.cursor ?? 0, answer.cursor);
      if (!answer.has_more || answer.changes.length === 0) return;
    }
  }
}
