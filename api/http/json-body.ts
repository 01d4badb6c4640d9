import type { Middleware } from 'koa';
import { koaBody } from 'koa-body';
import { AppError } from '../../shared/errors.ts';
import type { ApiState } from './context.ts';

/**
 * Parses JSON bodies up to `limitBytes` (413 beyond, counted after decompression, so a gzip bomb
 * is stopped too). A body that is not JSON is refused with 415 rather than silently read as empty.
 * Paths matched by `streams` (uploads) are left untouched. Every way a body can be unreadable is
 * the client's mistake and answers a 4xx (see `bodyError`), never a 500.
 */
export function jsonBody(limitBytes: number, streams: (path: string) => boolean): Middleware<ApiState> {
  const parser = koaBody({
    json: true, jsonStrict: false, jsonLimit: limitBytes, urlencoded: false, text: false, multipart: false,
    onError: (err) => {
      throw bodyError(err);
    },
  });
  return async (ctx, next) => {
    if (streams(ctx.path) || !ctx.request.length && !ctx.get('transfer-encoding')) return next();
    if (!ctx.is('application/json')) {
      throw new AppError(415, 'unsupported_media_type', 'Send the body as application/json');
    }
    return parser(ctx, next);
  };
}

/** What went wrong while reading or parsing a body, as the client's error. */
export function bodyError(err: Error): Error {
  const { status, code, type } = err as { status?: unknown; code?: unknown; type?: unknown };
  // zlib and brotli: the body is not what its Content-Encoding says (not compressed at all, truncated, corrupt).
  if (typeof code === 'string' && /^(Z_|ERR__|ERR_BROTLI)/.test(code)) {
    return new AppError(400, 'invalid_body', 'The body could not be decoded as its Content-Encoding says');
  }
  if (status === 413) return new AppError(413, 'payload_too_large', 'The body is larger than this endpoint accepts');
  if (status === 415) {
    return type === 'encoding.unsupported'
      ? new AppError(415, 'unsupported_media_type', 'That charset is not accepted; send UTF-8')
      : new AppError(415, 'unsupported_media_type', 'That Content-Encoding is not accepted; send gzip, deflate, br or none');
  }
  if (err instanceof SyntaxError) return new AppError(400, 'invalid_json', 'The body is not valid JSON (or it has a __proto__ key)');
  if (status === 400) {
    return type === 'request.size.invalid' || type === 'request.aborted'
      ? new AppError(400, 'invalid_body', 'The body did not match its Content-Length')
      : new AppError(400, 'invalid_json', 'The body is not valid JSON');
  }
  return err;
}
