import type { Middleware } from 'koa';
import { koaBody } from 'koa-body';
import { AppError } from '../../shared/errors.ts';
import type { ApiState } from './context.ts';

/**
 * Parses JSON bodies up to `limitBytes` (413 beyond). A body that is not JSON is refused with 415
 * rather than silently read as empty. Paths matched by `streams` (uploads) are left untouched.
 */
export function jsonBody(limitBytes: number, streams: (path: string) => boolean): Middleware<ApiState> {
  const parser = koaBody({ json: true, jsonStrict: false, jsonLimit: limitBytes, urlencoded: false, text: false, multipart: false });
  return async (ctx, next) => {
    if (streams(ctx.path) || !ctx.request.length && !ctx.get('transfer-encoding')) return next();
    if (!ctx.is('application/json')) {
      throw new AppError(415, 'unsupported_media_type', 'Send the body as application/json');
    }
    return parser(ctx, next);
  };
}
