import { tooManyRequests } from '../../shared/errors.ts';
import { addUsage, type LimitWindow, type RateLimitRule } from '../../shared/redis/rate-limit.ts';
import type { ApiDeps } from '../deps.ts';

/**
 * Per-user abuse limits of the api, shared by every api process through Redis (fixed windows). Each
 * refusal is 429 `rate_limited` with `Retry-After`; a refused request counts nowhere. The defaults are
 * far above what an honest client does (README "Configuration").
 */

const windowOf = (deps: ApiDeps, bucket: string, uid: string, rule: RateLimitRule): LimitWindow => ({ key: deps.keys.rateLimit(bucket, uid), ...rule });

async function enforce(deps: ApiDeps, windows: LimitWindow[], cost = 1): Promise<void> {
  const result = await deps.rateLimits.hit(windows, cost);
  if (!result.allowed) throw tooManyRequests(result.retryAfterSeconds);
}

/** One message send, counted at the api before it is enqueued: a short (burst) and a long (sustained) window. */
export function limitSend(deps: ApiDeps, uid: string): Promise<void> {
  const { sendBurst, sendSustained } = deps.config.limits;
  return enforce(deps, [windowOf(deps, 'send-burst', uid, sendBurst), windowOf(deps, 'send-sustained', uid, sendSustained)]);
}

/** One `POST /friend/apply`, whatever its outcome. */
export function limitFriendRequest(deps: ApiDeps, uid: string): Promise<void> {
  return enforce(deps, [windowOf(deps, 'friend-requests', uid, deps.config.limits.friendRequests)]);
}

/** Adding `count` users to a group: all of them fit in the hour's allowance, or the request adds nobody. */
export function limitGroupAdditions(deps: ApiDeps, uid: string, count: number): Promise<void> {
  return enforce(deps, [windowOf(deps, 'group-additions', uid, deps.config.limits.groupAdditions)], count);
}

/**
 * One upload starting: counts it, and refuses it when the hour's byte allowance is already spent or
 * would be by a declared `Content-Length`. Answers the meter for the bytes as they stream.
 */
export async function startUpload(deps: ApiDeps, uid: string, declaredBytes: number | undefined): Promise<UploadByteQuota> {
  const bytes = windowOf(deps, 'upload-bytes', uid, deps.config.limits.uploadBytes);
  const spent = Number((await deps.redis.get(bytes.key)) ?? 0);
  if (spent + (declaredBytes ?? 1) > bytes.max) throw tooManyRequests(await secondsLeft(deps, bytes));
  await enforce(deps, [windowOf(deps, 'uploads', uid, deps.config.limits.uploads)]);
  return new UploadByteQuota(deps, bytes);
}

async function secondsLeft(deps: ApiDeps, window: LimitWindow): Promise<number> {
  const ms = await deps.redis.pttl(window.key);
  return Math.max(1, Math.ceil((ms > 0 ? ms : window.windowSeconds * 1000) / 1000));
}

/** Bytes are written to Redis in steps of this size (and at the end), not once per chunk. */
const STEP_BYTES = 256 * 1024;

/**
 * Counts an upload's bytes against its user's hourly allowance as they stream, so parallel uploads
 * share it. `add` fails with 429 once the allowance is passed: the upload stops and is discarded.
 */
export class UploadByteQuota {
  private pending = 0;

  constructor(
    private readonly deps: ApiDeps,
    private readonly window: LimitWindow,
  ) {}

  async add(bytes: number): Promise<void> {
    this.pending += bytes;
    if (this.pending >= STEP_BYTES) await this.flush();
  }

  /** Writes what is still uncounted; call when the stream ends (also when it failed). */
  async flush(): Promise<void> {
    if (this.pending === 0) return;
    const amount = this.pending;
    this.pending = 0;
    const { total, retryAfterSeconds } = await addUsage(this.deps.redis, this.window, amount);
    if (total > this.window.max) throw tooManyRequests(retryAfterSeconds);
  }
}
