import type { Middleware } from 'koa';
import type { AuthCache } from '../../shared/auth/auth-cache.ts';
import { unauthorized } from '../../shared/errors.ts';
import type { ApiState } from './context.ts';

/** Reads the token from `Authorization: Bearer …` or `?token=`. */
export function tokenFrom(ctx: { get(field: string): string; query: Record<string, unknown> }): string | null {
  const header = ctx.get('authorization');
  if (header) return /^Bearer (\S+)$/i.exec(header)?.[1] ?? null;
  const query = ctx.query.token;
  return typeof query === 'string' ? query : null;
}

/** Refuses the request with 401 unless it carries a valid token; on success sets `ctx.state.auth`. */
export function requireAuth(authCache: AuthCache): Middleware<ApiState> {
  return async (ctx, next) => {
    const token = tokenFrom(ctx);
    const auth = token ? await authCache.authenticate(token) : null;
    if (!auth) throw unauthorized();
    ctx.state.auth = auth;
    return next();
  };
}
