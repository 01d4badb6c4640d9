import type { Redis } from 'ioredis';
import type { UserState } from '../access/user-state.ts';
import { encodeChatPayload, publishAll } from '../contracts/events.ts';
import { runNamed, type Db } from '../db/knex.ts';
import type { ChatFacts } from '../db/repositories/access.repository.ts';
import type { RedisKeys } from '../redis/keys.ts';

export interface FanOutDeps {
  db: Db;
  redis: Redis;
  keys: RedisKeys;
  userState: UserState;
}

export interface ChatFrame {
  chatId: string;
  /** Whose action this is: members who block them do not receive it. */
  actorUid: string;
  frame: string;
}

/**
 * Delivers chat events to everyone who may see them, in one Redis round trip: direct chats and small
 * groups per recipient (every device of every member, the actor's too, except members who block the
 * actor); large groups once on the chat's channel, for the realtime nodes to fan out. A small group's
 * members and the people who block its actors are read by named statements of one text; a direct
 * chat's two people and their blocks come from the cached user state, as the gate reads them.
 */
export async function publishToChats(
  deps: FanOutDeps,
  items: readonly ChatFrame[],
  extra: readonly { uid: string; frame: string }[] = [],
  options: { skipActor?: boolean } = {},
): Promise<void> {
  const chatIds = [...new Set(items.map((i) => i.chatId))];
  const facts = new Map<string, ChatFacts | null>(await Promise.all(chatIds.map(async (id) => [id, await deps.userState.chat(id)] as const)));
  const smallGroups = new Set(chatIds.filter((id) => facts.get(id)?.kind === 'group' && facts.get(id)?.category !== 'large'));
  const [members, blockersOf, blockedInDirect] = await Promise.all([
    membersOf(deps, [...smallGroups]),
    blockersOfActors(deps, items.filter((i) => smallGroups.has(i.chatId))),
    blockedInDirectChats(deps, items, facts),
  ]);

  const toUsers = [...extra];
  const toChats: { chatId: string; payload: string }[] = [];
  for (const item of items) {
    const chat = facts.get(item.chatId);
    if (!chat) continue; // the chat is gone (a disbanded group)
    if (chat.kind === 'group' && chat.category === 'large') {
      toChats.push({ chatId: item.chatId, payload: encodeChatPayload(item.actorUid, item.frame) });
      continue;
    }
    const recipients = chat.kind === 'direct' ? (chat.directUids ?? []) : (members.get(item.chatId) ?? []);
    const blockers = chat.kind === 'direct' ? blockedInDirect.get(item) : blockersOf.get(item.actorUid);
    for (const uid of recipients) {
      if (blockers?.has(uid) || (options.skipActor && uid === item.actorUid)) continue;
      toUsers.push({ uid, frame: item.frame });
    }
  }
  await publishAll(deps.redis, deps.keys, toUsers, toChats);
}

async function membersOf(deps: FanOutDeps, chatIds: readonly string[]): Promise<Map<string, string[]>> {
  const byChat = new Map<string, string[]>();
  if (chatIds.length === 0) return byChat;
  const rows = await runNamed<{ chat_id: string; uid: string }>(deps.db, 'fan_out_members', 'select chat_id, uid from chat_members where chat_id = any(?::bigint[])', [
    chatIds,
  ]);
  for (const row of rows) {
    const list = byChat.get(row.chat_id);
    if (list) list.push(row.uid);
    else byChat.set(row.chat_id, [row.uid]);
  }
  return byChat;
}

/**
 * For each item of a direct chat, which of its two people block the actor: read from the pair's facts
 * (shared/access/user-state.ts, cached in Redis and read by the gate too), not from PostgreSQL.
 */
async function blockedInDirectChats(deps: FanOutDeps, items: readonly ChatFrame[], facts: ReadonlyMap<string, ChatFacts | null>): Promise<Map<ChatFrame, Set<string>>> {
  const asked = items.flatMap((item) => {
    const chat = facts.get(item.chatId);
    return chat?.kind === 'direct' ? (chat.directUids ?? []).filter((uid) => uid !== item.actorUid).map((uid) => ({ item, uid })) : [];
  });
  const blocking = await Promise.all(asked.map(({ item, uid }) => deps.userState.blocks(uid, item.actorUid)));
  const byItem = new Map<ChatFrame, Set<string>>();
  asked.forEach(({ item, uid }, i) => {
    if (blocking[i]) byItem.set(item, (byItem.get(item) ?? new Set()).add(uid));
  });
  return byItem;
}

async function blockersOfActors(deps: FanOutDeps, items: readonly ChatFrame[]): Promise<Map<string, Set<string>>> {
  const actors = [...new Set(items.map((i) => i.actorUid))];
  const byBlocked = new Map<string, Set<string>>();
  if (actors.length === 0) return byBlocked;
  const sql = 'select blocker_uid, blocked_uid from blocks where blocked_uid = any(?::bpchar[])';
  const rows = await runNamed<{ blocker_uid: string; blocked_uid: string }>(deps.db, 'fan_out_blockers', sql, [actors]);
  for (const row of rows) byBlocked.set(row.blocked_uid, (byBlocked.get(row.blocked_uid) ?? new Set()).add(row.blocker_uid));
  return byBlocked;
}
