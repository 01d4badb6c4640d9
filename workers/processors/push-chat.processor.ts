import { findChatSettings } from '../../shared/db/repositories/chat-settings.repository.ts';
import { chatName, displayName, memberReadSeq, pendingMessages } from '../../shared/db/repositories/push-gate.repository.ts';
import { isOnline } from '../../shared/push/presence-check.ts';
import { pushChatJob } from '../../shared/queues/contracts.ts';
import { defineProcessor } from '../processor.ts';
import { skipPush } from '../push/skip-push.ts';
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
export const pushChatProcessor = defineProcessor(pushChatJob, async (data, deps) => {
  const { uid, chat_id: chatId } = data;
  const [online, settings, readSeq, pushed] = await Promise.all([
    isOnline(deps.redis, deps.keys, uid),
    findChatSettings(deps.db, chatId, uid),
    memberReadSeq(deps.db, chatId, uid),
    deps.redis.get(deps.keys.pushedSeq(uid, chatId)),
  ]);
  if (online) return skipPush(deps, 'online');
  if (settings.notifications === 'none') return skipPush(deps, 'notifications_none');
  if (settings.muted_until && settings.muted_until.getTime() > Date.now()) return skipPush(deps, 'muted');
  if (readSeq === null) return skipPush(deps, 'not_member');
  const pending = await pendingMessages(deps.db, { chatId, uid, afterSeq: Math.max(readSeq, Number(pushed ?? 0)), mentionsOnly: settings.notifications === 'mentions' });
  if (pending.count === 0 || pending.newest === null) return skipPush(deps, 'nothing_new');
  const [senderName, name] = await Promise.all([displayName(deps.db, pending.newest.sender_uid), chatName(deps.db, chatId)]);
  const payload = composeMessagesPush({ chatId, uid, pending: { ...pending, newest: pending.newest }, senderName, chatName: name, previews: deps.config.push.previews });
  // Keyed by the newest message pushed: jobs of adjacent windows that run at once compose the same push.
  const devices = await deliverToDevices(deps, uid, payload, `chat.${uid}.${chatId}.${pending.newest.seq}`);
  await deps.redis.eval(ADVANCE, 1, deps.keys.pushedSeq(uid, chatId), pending.newest.seq, SEEN_TTL_SECONDS);
  return { pushed: devices, count: pending.count };
});
