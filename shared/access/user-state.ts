import DataLoader from 'dataloader';
import type { Redis } from 'ioredis';
import type { Db } from '../db/knex.ts';
import { loadChatFactsMany, loadMemberFactsMany, loadPairFactsMany, type ChatFacts, type MemberFacts, type PairFacts } from '../db/repositories/access.repository.ts';
import type { RedisKeys } from '../redis/keys.ts';
import { readThrough } from './fact-cache.ts';

/**
 * The user state service: the one place that answers "may A send to chat C now?" and "may A see
 * chat C?" from friendship, blocks, membership, role and mute. The HTTP layer, the message worker
 * and file downloads all ask here. Facts are cached in Redis and invalidated on every change
 * (see `shared/social/change-set.ts`).
 *
 * Facts missing from Redis are loaded together: the misses of one turn of the event loop (a worker
 * gating a batch of sends, say) cost one query per kind of fact, not one per fact. Nothing is kept in
 * the process: every question asks Redis first, so an invalidation holds everywhere at once.
 */

export type SendRefusal = 'not_member' | 'not_friends' | 'blocked' | 'muted' | 'muted_all';
export type SendDecision = { allowed: true; chat: ChatFacts; member: MemberFacts } | { allowed: false; code: SendRefusal };

// Short enough that even an invalidation lost to a Redis outage cannot outlive a minute.
const FACT_TTL_MS = 60 * 1000;

export interface UserStateDeps {
  db: Db;
  redis: Redis;
  keys: RedisKeys;
}

// Batching only: answers are never remembered in the process.
const BATCH_ONLY = { cache: false, maxBatchSize: 500 } as const;

export function createUserState({ db, redis, keys }: UserStateDeps) {
  const chats = new DataLoader<string, ChatFacts | null>((chatIds) => loadChatFactsMany(db, chatIds), BATCH_ONLY);
  const members = new DataLoader<{ chatId: string; uid: string }, MemberFacts | null>((pairs) => loadMemberFactsMany(db, pairs), BATCH_ONLY);
  const pairs = new DataLoader<readonly [string, string], PairFacts>((ordered) => loadPairFactsMany(db, ordered), BATCH_ONLY);

  const chat = (chatId: string) => readThrough(redis, keys.chatFacts(chatId), FACT_TTL_MS, () => chats.load(chatId));
  const member = (chatId: string, uid: string) => readThrough(redis, keys.memberFacts(chatId, uid), FACT_TTL_MS, () => members.load({ chatId, uid }));
  const pair = (a: string, b: string) => {
    const [lo, hi] = a < b ? [a, b] : [b, a];
    return readThrough(redis, keys.pairFacts(lo, hi), FACT_TTL_MS, () => pairs.load([lo, hi]));
  };

  return {
    chat,
    member,
    pair,

    /** Whether `blocker` has blocked `blocked`. */
    async blocks(blocker: string, blocked: string): Promise<boolean> {
      return (await pair(blocker, blocked)).blockers.includes(blocker);
    },

    async canSeeChat(uid: string, chatId: string): Promise<boolean> {
      return (await member(chatId, uid)) !== null;
    },

    /** A message is visible to members of its chat, unless recalled or sent by someone they block. */
    async canSeeMessage(uid: string, message: { chat_id: string; sender_uid: string; recalled_at: Date | null }): Promise<boolean> {
      if (message.recalled_at !== null) return false;
      if ((await member(message.chat_id, uid)) === null) return false;
      return message.sender_uid === uid || !(await pair(uid, message.sender_uid)).blockers.includes(uid);
    },

    /**
     * Direct chats: both people still members, friends, and neither blocks the other.
     * Group chats: a member who is not muted, and not silenced by mute_all (owner and managers speak).
     */
    async canSend(uid: string, chatId: string, now = new Date()): Promise<SendDecision> {
      const [facts, me] = await Promise.all([chat(chatId), member(chatId, uid)]);
      if (!facts || !me) return { allowed: false, code: 'not_member' };
      if (facts.kind === 'direct') {
        const peer = facts.directUids?.find((u) => u !== uid);
        if (!peer) return { allowed: false, code: 'not_member' };
        const relation = await pair(uid, peer);
        if (relation.blockers.length > 0) return { allowed: false, code: 'blocked' };
        if (!relation.friends) return { allowed: false, code: 'not_friends' };
        return { allowed: true, chat: facts, member: me };
      }
      if (me.mutedUntil !== null && Date.parse(me.mutedUntil) > now.getTime()) return { allowed: false, code: 'muted' };
      if (facts.muteAll && me.role === 'member') return { allowed: false, code: 'muted_all' };
      return { allowed: true, chat: facts, member: me };
    },
  };
}

export type UserState = ReturnType<typeof createUserState>;
