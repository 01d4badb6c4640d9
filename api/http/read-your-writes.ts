import type { Middleware } from 'koa';
import type { Logger } from '../../shared/logger.ts';
import type { ReadRouting } from '../../shared/db/read-routing.ts';
import type { ApiState } from './context.ts';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * After a successful write by an authenticated user, notes the primary's WAL position for them
 * before the answer leaves, so their next lag-tolerant read sees the write (shared/db/read-routing.ts).
 * A failure to note it is logged, never the request's failure.
 */
export function readYourWrites(reads: ReadRouting, log: Logger): Middleware<ApiState> {
  return async (ctx, next) => {
    await next();
    const uid = ctx.state.auth?.uid;
    // 202: queued, not yet written; nothing to read back.
    if (!uid || READS.has(ctx.method) || ctx.status >= 400 || ctx.status === 202) return;
    await reads.noteWrite(uid).catch((err: unknown) => log.warn({ err: err instanceof Error ? err.message : err, uid }, 'could not note the write position'));
  };
}
