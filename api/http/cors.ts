import cors from '@koa/cors';
import type { Middleware } from 'koa';
import { AppError } from '../../shared/errors.ts';
import { judgeOrigin, type OriginPolicy } from '../../shared/http/origins.ts';
import type { ApiState } from './context.ts';

/** Response headers a page on another origin may read. */
export const EXPOSED_HEADERS = ['Retry-After', 'X-Request-Id', 'ETag', 'Content-Range', 'Content-Disposition', 'Content-Length', 'Accept-Ranges'];

const ALLOWED_METHODS = ['GET', 'HEAD', 'PUT', 'POST', 'DELETE', 'PATCH'];

/**
 * Cross-origin access for browsers, before anything else runs:
 * - a request from an origin that is not allowed is refused with 403 `origin_not_allowed`, preflight
 *   or not — so a "simple" request a browser sends without asking first (a multipart upload with
 *   `?token=`) does nothing, stores nothing;
 * - an allowed origin gets the CORS headers (@koa/cors), preflights answered with 204;
 * - same-origin requests and clients that send no Origin (non-browsers) pass untouched.
 * Listed origins may send credentials; `*` answers any origin without them.
 */
export function crossOrigin(policy: OriginPolicy, maxAgeSeconds: number): Middleware<ApiState> {
  const anyOrigin = policy.origins.includes('*');
  const headers: Middleware<ApiState> = cors({
    origin: (ctx) => (ctx.state.crossOrigin === true ? (anyOrigin ? '*' : ctx.get('Origin')) : ''),
    credentials: !anyOrigin,
    allowMethods: ALLOWED_METHODS,
    exposeHeaders: EXPOSED_HEADERS,
    maxAge: maxAgeSeconds,
  });
  return async (ctx, next) => {
    const verdict = judgeOrigin(policy, ctx.get('Origin'), ctx.host);
    if (verdict === 'refused') {
      // Nothing of the request is read; the connection closes so an unread body is not drained either.
      ctx.set('Connection', 'close');
      throw new AppError(403, 'origin_not_allowed', 'This origin may not use this server (see CORS_ORIGINS)');
    }
    ctx.state.crossOrigin = verdict === 'allowed';
    await headers(ctx, next);
  };
}
