import { findChatSettings } from '../../shared/db/repositories/chat-settings.repository.ts';
import { chatName, displayName, memberReadSeq, pendingMessages } from '../../shared/db/repositories/push-gate.repository.ts';
import { isOnline } from '../../shared/push/presence-check.ts';
import { pushChatJob } from '../../shared/queues/contracts.ts';
import { defineProcessor } from '../processor.ts';
import { composeMessagesPush } from '../push/compose-push.ts';
import { deliverToDevices } from '../push/deliver-to-devices.ts';

const SEEN_TTL_SECONDS = 30 * 24 * 3600;

// KEYS: pushed seq. ARGV: seq, ttl. Only ever moves forward.
const ADVANCE = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > current then redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2]) end
return 0`;

/**
 * `PUSH_DELAY_MS` after messages in a chat: the gate of an offline push (online users, a muted chat,
 * "none", "mentions" without a mention, a chat left, senders the user blocks push nothing), then one
 * push per device saying how many messages wait. The pushed seq moves forward only after the
 * deliveries are queued, so a crash between the two repeats the same (fixed-id) deliveries, not loses them.
 */
export const pushChatProcessor = defineProcessor(pushChatJob, async (data, deps, job) => {
  const { uid, chat_id: chatId } = data;
  if (await isOnline(deps.redis, deps.keys, uid)) return { pushed: 0, reason: 'online' };
  const settings = await findChatSettings(deps.db, chatId, uid);
  if (settings.notifications === 'none') return { pushed: 0, reason: 'notifications_none' };
  if (settings.muted_until && settings.muted_until.getTime() > Date.now()) return { pushed: 0, reason: 'muted' };
  const readSeq = await memberReadSeq(deps.db, chatId, uid);
  if (readSeq === null) return { pushed: 0, reason: 'not_member' };
  const pushedSeq = Number((await deps.redis.get(deps.keys.pushedSeq(uid, chatId))) ?? 0);
  const pending = await pendingMessages(deps.db, { chatId, uid, afterSeq: Math.max(readSeq, pushedSeq), mentionsOnly: settings.notifications === 'mentions' });
  if (pending.count === 0 || pending.newest === null) return { pushed: 0, reason: 'nothing_new' };
  const payload = composeMessagesPush({
    chatId,
    uid,
    pending: { ...pending, newest: pending.newest },
    senderName: await displayName(deps.db, pending.newest.sender_uid),
    chatName: await chatName(deps.db, chatId),
    previews: deps.config.push.previews,
  });
  const devices = await deliverToDevices(deps, uid, payload, job.id ?? `${uid}.${chatId}`);
  await deps.redis.eval(ADVANCE, 1, deps.keys.pushedSeq(uid, chatId), pending.newest.seq, SEEN_TTL_SECONDS);
  return { pushed: devices, count: pending.count };
});
