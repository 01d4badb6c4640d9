import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RateLimitRule } from '../shared/redis/rate-limit.ts';
import { execPerSlot } from '../shared/redis/slots.ts';
import type { RedisKeys } from '../shared/redis/keys.ts';
import type { RealtimeDeps } from './deps.ts';

/** How long a socket's entry lives in Redis unless its node refreshes it: a crashed node's sockets free up after this. */
export const SOCKET_ENTRY_TTL_MS = 60_000;

// KEYS[1]: the user's sockets. ARGV: now, the new entry's expiry, its member, the most allowed, the key's ttl.
// Entries whose node stopped refreshing them (it crashed) have expired and are dropped before counting.
const ADMIT = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[4]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1`;

export interface SocketLimitsOptions {
  /** Sockets one user may hold on this node. */
  perNode: number;
  /** Sockets one user may hold on all nodes together. */
  total: number;
  /** Frames a client may send on one socket per window. */
  frameRate: RateLimitRule;
  entryTtlMs?: number;
  /** The clock (tests move it forward instead of waiting). */
  now?: () => number;
}

/**
 * Limits of one user's sockets and of each socket's frames, on one realtime node.
 *
 * Sockets per user: counted on this node in memory, and across nodes in Redis as one sorted-set entry
 * per socket whose score is when it expires. The node refreshes its entries every third of their
 * lifetime and removes them on close; a node that crashes stops refreshing, so its entries expire and
 * nothing is left counted wrongly. Past either limit the newest socket is refused (the caller closes
 * it with 4006); open sockets are never closed to make room.
 *
 * Frames per socket: a fixed window in memory. The caller closes a socket past it with 4029.
 */
export class SocketLimits<S extends object> {
  readonly nodeId = randomBytes(6).toString('hex');
  /** Sockets counted on this node, by user. */
  private readonly local = new Map<string, number>();
  /** Each counted socket's user and the sequence number of its entry (the member is `<node id>:<seq>`). */
  private readonly entries = new Map<S, { uid: string; seq: number }>();
  private readonly frames = new WeakMap<S, { startedAt: number; count: number }>();
  private readonly ttlMs: number;
  private readonly now: () => number;
  private sequence = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Pick<RedisKeys, 'userSockets'>,
    private readonly options: SocketLimitsOptions,
  ) {
    this.ttlMs = options.entryTtlMs ?? SOCKET_ENTRY_TTL_MS;
    this.now = options.now ?? Date.now;
  }

  /** Takes a place for an authenticated socket of `uid`; false when the user already holds the most allowed. */
  async admit(ws: S, uid: string): Promise<boolean> {
    if (this.entries.has(ws)) return true;
    const mine = this.local.get(uid) ?? 0;
    // Checked and taken synchronously, so sockets authenticating at once cannot all pass.
    if (mine >= this.options.perNode) return false;
    this.local.set(uid, mine + 1);
    const seq = ++this.sequence;
    this.entries.set(ws, { uid, seq });
    const member = this.member(seq);
    const now = this.now();
    const admitted = await this.redis.eval(ADMIT, 1, this.keys.userSockets(uid), now, now + this.ttlMs, member, this.options.total, this.ttlMs * 2);
    if (Number(admitted) === 1) return true;
    this.forget(ws);
    return false;
  }

  /** Gives back a socket's place (it closed). Safe to call for any socket, more than once. */
  async release(ws: S): Promise<void> {
    const entry = this.forget(ws);
    if (entry) await this.redis.zrem(this.keys.userSockets(entry.uid), this.member(entry.seq));
  }

  /** Counts one frame from a client; false once the socket has sent more than allowed in its window. */
  allowFrame(ws: S): boolean {
    const now = this.now();
    const { max, windowSeconds } = this.options.frameRate;
    const window = this.frames.get(ws);
    if (!window || now - window.startedAt >= windowSeconds * 1000) {
      this.frames.set(ws, { startedAt: now, count: 1 });
      return max >= 1;
    }
    window.count++;
    return window.count <= max;
  }

  /** Sockets of `uid` counted on this node. */
  localCount(uid: string): number {
    return this.local.get(uid) ?? 0;
  }

  /** Pushes the expiry of every socket of this node forward. */
  async refresh(): Promise<void> {
    if (this.entries.size === 0) return;
    const expiry = this.now() + this.ttlMs;
    const byUser = new Map<string, string[]>();
    for (const { uid, seq } of this.entries.values()) {
      const members = byUser.get(uid);
      if (members) members.push(this.member(seq));
      else byUser.set(uid, [this.member(seq)]);
    }
    await execPerSlot(this.redis, [...byUser], ([uid]) => this.keys.userSockets(uid), (pipeline, [uid, members]) => {
      const key = this.keys.userSockets(uid);
      pipeline.zadd(key, ...members.flatMap((m) => [expiry, m])).pexpire(key, this.ttlMs * 2);
    });
  }

  /** Refreshes on a timer until `stop`; `onError` hears a failed refresh (the next one tries again). */
  start(onError: (err: unknown) => void): void {
    this.timer ??= setInterval(() => {
      this.refresh().catch(onError);
    }, Math.max(10, Math.floor(this.ttlMs / 3)));
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** A socket's member in its user's sorted set. */
  private member(seq: number): string {
    return `${this.nodeId}:${seq}`;
  }

  private forget(ws: S): { uid: string; seq: number } | undefined {
    const entry = this.entries.get(ws);
    if (!entry) return undefined;
    this.entries.delete(ws);
    const mine = (this.local.get(entry.uid) ?? 1) - 1;
    if (mine > 0) this.local.set(entry.uid, mine);
    else this.local.delete(entry.uid);
    return entry;
  }
}

/** A node's limits from its config, refreshing its sockets' entries until `stop`. */
export function createSocketLimits<S extends object>(deps: Pick<RealtimeDeps, 'config' | 'redis' | 'keys' | 'log'>): SocketLimits<S> {
  const { realtime } = deps.config;
  const limits = new SocketLimits<S>(deps.redis, deps.keys, { perNode: realtime.userMaxSocketsPerNode, total: realtime.userMaxSockets, frameRate: realtime.frameRate });
  limits.start((err) => deps.log.warn({ err }, 'refreshing socket entries failed; retrying'));
  return limits;
}
