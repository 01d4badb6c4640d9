import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '../shared/logger.ts';
import type { RedisKeys } from '../shared/redis/keys.ts';

/**
 * Presence by expiry, not by counting. Each node writes, for every user it holds sockets of, an
 * entry `<node id> → expires at` in the user's sorted set, and renews its entries every third of
 * the TTL. A user is online while one entry has not expired. A node that crashes stops renewing,
 * so its users go offline within a TTL instead of staying online for ever; a socket that closes
 * while it is being set up cannot leave a count behind, because each node asks its own sockets
 * (`isLocal`) what the truth is before it writes.
 *
 * Who announces: the node whose write takes a user from no live entry to one announces `online`;
 * the node that removes the last live entry announces `offline`; for entries that expire (a crashed
 * node), every node sweeps an index of expiry times and the one whose sweep removes the last entry
 * announces `offline`. Each of these is one Lua script, so exactly one node announces each change.
 */
export interface Presence {
  /** Brings Redis in line with this node's sockets for one user; announces a change if it makes one. */
  sync(uid: string): Promise<void>;
  /** Renews this node's entries and sweeps expired ones; runs by itself every third of the TTL. */
  tick(): Promise<void>;
  stop(): void;
}

export interface PresenceOptions {
  redis: Redis;
  keys: RedisKeys;
  ttlMs: number;
  log: Logger;
  /** Whether this node holds a socket of the user right now. */
  isLocal(uid: string): boolean;
  localUsers(): Iterable<string>;
  announce(uid: string, status: 'online' | 'offline'): Promise<void>;
  nodeId?: string;
}

// KEYS: user set, expiry index. ARGV: node id, expires at, now, uid. Answers 1 when the user was offline.
// The set's expiry only moves later; PEXPIREAT's GT would never set one on a set that has none yet.
const ONLINE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
local before = redis.call('ZCARD', KEYS[1])
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
if redis.call('PEXPIRETIME', KEYS[1]) < tonumber(ARGV[2]) then redis.call('PEXPIREAT', KEYS[1], ARGV[2]) end
redis.call('ZADD', KEYS[2], 'GT', ARGV[2], ARGV[4])
if before == 0 then return 1 end
return 0`;

// KEYS: user set, expiry index. ARGV: node id, now, uid. Answers 1 when no live entry is left.
const OFFLINE = `
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
if redis.call('ZCARD', KEYS[1]) > 0 then return 0 end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[3])
return 1`;

// KEYS: expiry index. ARGV: node id, expires at, user key prefix, uid… Renews this node's entries.
const RENEW = `
for i = 4, #ARGV do
  local key = ARGV[3] .. ARGV[i]
  redis.call('ZADD', key, ARGV[2], ARGV[1])
  if redis.call('PEXPIRETIME', key) < tonumber(ARGV[2]) then redis.call('PEXPIREAT', key, ARGV[2]) end
  redis.call('ZADD', KEYS[1], 'GT', ARGV[2], ARGV[i])
end
return 0`;

// KEYS: expiry index. ARGV: now, limit, user key prefix. Answers the users whose last entry expired.
const SWEEP = `
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local gone = {}
for _, uid in ipairs(due) do
  local key = ARGV[3] .. uid
  redis.call('ZREMRANGEBYSCORE', key, '-inf', ARGV[1])
  local last = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
  if #last == 0 then
    redis.call('ZREM', KEYS[1], uid)
    gone[#gone + 1] = uid
  else
    redis.call('ZADD', KEYS[1], last[2], uid)
  end
end
return gone`;

const RENEW_BATCH = 500;
const SWEEP_LIMIT = 1000;

export function createPresence(options: PresenceOptions): Presence {
  const { redis, log, ttlMs } = options;
  const nodeId = options.nodeId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const userPrefix = options.keys.presence('');
  const indexKey = options.keys.presenceExpiry;
  /** Users whose entry this node has written (and not removed). */
  const written = new Set<string>();
  /** One sync at a time per user, so a connect and a disconnect cannot interleave their writes. */
  const chains = new Map<string, Promise<void>>();

  const announce = (uid: string, status: 'online' | 'offline') =>
    options.announce(uid, status).catch((err: unknown) => log.warn({ err, uid, status }, 'presence announcement failed'));

  async function apply(uid: string): Promise<void> {
    const wanted = options.isLocal(uid);
    if (wanted && !written.has(uid)) {
      const wasOffline = await redis.eval(ONLINE, 2, userPrefix + uid, indexKey, nodeId, Date.now() + ttlMs, Date.now(), uid);
      written.add(uid);
      if (wasOffline === 1) await announce(uid, 'online');
    } else if (!wanted && written.has(uid)) {
      // Forget it first: if Redis does not answer, the entry expires and a sweep announces it.
      written.delete(uid);
      const wentOffline = await redis.eval(OFFLINE, 2, userPrefix + uid, indexKey, nodeId, Date.now(), uid);
      if (wentOffline === 1) await announce(uid, 'offline');
    }
  }

  function sync(uid: string): Promise<void> {
    const previous = chains.get(uid) ?? Promise.resolve();
    const next = previous
      .then(() => apply(uid))
      .catch((err: unknown) => log.warn({ err: err instanceof Error ? err.message : err, uid }, 'presence update failed; the next renewal retries'))
      .finally(() => {
        if (chains.get(uid) === next) chains.delete(uid);
      });
    chains.set(uid, next);
    return next;
  }

  async function tick(): Promise<void> {
    const renew: string[] = [];
    const fix: string[] = [];
    for (const uid of options.localUsers()) (written.has(uid) ? renew : fix).push(uid);
    for (const uid of written) if (!options.isLocal(uid)) fix.push(uid);
    await Promise.all(fix.map((uid) => sync(uid)));
    const expiresAt = Date.now() + ttlMs;
    for (let i = 0; i < renew.length; i += RENEW_BATCH) {
      await redis.eval(RENEW, 1, indexKey, nodeId, expiresAt, userPrefix, ...renew.slice(i, i + RENEW_BATCH));
    }
    const gone = (await redis.eval(SWEEP, 1, indexKey, Date.now(), SWEEP_LIMIT, userPrefix)) as string[];
    for (const uid of gone) await announce(uid, 'offline');
  }

  let ticking = false;
  const timer = setInterval(() => {
    if (ticking) return;
    ticking = true;
    tick()
      .catch((err: unknown) => log.warn({ err: err instanceof Error ? err.message : err }, 'presence renewal failed; retrying at the next one'))
      .finally(() => (ticking = false));
  }, Math.max(200, Math.floor(ttlMs / 3)));
  timer.unref();

  return { sync, tick, stop: () => clearInterval(timer) };
}
