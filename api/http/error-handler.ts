import type { Middleware } from 'koa';
import { ZodError } from 'zod';
import { AppError } from '../../shared/errors.ts';
import { isDataError } from '../../shared/db/pg-errors.ts';
import type { Logger } from '../../shared/logger.ts';
import type { ApiState } from './context.ts';

interface ErrorBody {
  code: string;
  message: string;
  details?: unknown;
}

/** Status codes that body parsers and Koa raise for client mistakes, with our error codes. */
const HTTP_CLIENT_ERRORS: Record<number, ErrorBody> = {
  400: { code: 'invalid_json', message: 'The body is not valid JSON' },
  405: { code: 'method_not_allowed', message: 'That method is not allowed on this path' },
  411: { code: 'length_required', message: 'Send a Content-Length header' },
  413: { code: 'payload_too_large', message: 'The body is larger than this endpoint accepts' },
  415: { code: 'unsupported_media_type', message: 'That content type is not accepted here' },
};

/**
 * The one place an error becomes a response: AppError → its status and code, ZodError → 400 with a
 * line per bad field, a PostgreSQL unique violation → 409, a known client error from the HTTP stack
 * → its status; anything else → a logged 500 with a generic body.
 */
export function errorHandler(log: Logger): Middleware<ApiState> {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        throw new AppError(404, 'not_found', `No route for ${ctx.method} ${ctx.path}`);
      }
    } catch (err) {
      const { status, body, headers } = toResponse(err);
      if (status >= 500) log.error({ err, requestId: ctx.state.requestId }, 'request failed');
      else if (isDataError(err)) log.warn({ pgCode: (err as { code?: unknown }).code, route: ctx.method + ' ' + ctx.path, requestId: ctx.state.requestId }, 'input reached the database unchecked');
      ctx.status = status;
      ctx.set(headers);
      ctx.body = { error: body };
    }
  };
}

function toResponse(err: unknown): { status: number; body: ErrorBody; headers: Record<string, string> } {
  if (err instanceof AppError) {
    const body: ErrorBody = { code: err.code, message: err.message };
    if (err.details !== undefined) body.details = err.details;
    return { status: err.status, body, headers: { ...err.headers } };
  }
  if (err instanceof ZodError) {
    const details = err.issues.map((issue) => ({ field: issue.path.join('.') || '(body)', message: issue.message }));
    return { status: 400, body: { code: 'invalid_input', message: 'The request has invalid fields', details }, headers: {} };
  }
  const pgCode = (err as { code?: unknown }).code;
  if (isDataError(err)) {
    return { status: 400, body: { code: 'invalid_input', message: 'The request holds a value that cannot be stored' }, headers: {} };
  }
  if (pgCode === '23505') {
    return { status: 409, body: { code: 'conflict', message: 'That already exists' }, headers: {} };
  }
  if (isDependencyDown(err)) {
    return { status: 503, body: { code: 'unavailable', message: 'A backing service is unavailable; retry shortly' }, headers: { 'Retry-After': '5' } };
  }
  const status = (err as { status?: unknown }).status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { status, body: HTTP_CLIENT_ERRORS[status] ?? { code: 'bad_request', message: 'Bad request' }, headers: {} };
  }
  return { status: 500, body: { code: 'internal', message: 'Something went wrong on our side' }, headers: {} };
}

/**
 * For Koa's `error` event: failures the middleware above cannot see — after a response began (a
 * client that went away mid-body, a file stream that broke mid-download) or inside a mounted
 * sub-application (the queue board). A client going away is routine, so it is only a debug line;
 * anything else is logged as an error. Without a listener Koa prints to stderr.
 */
export function logLateError(log: Logger): (err: unknown) => void {
  return (err) => {
    const code = String((err as { code?: unknown }).code ?? '');
    const clientGone = ['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE'].includes(code) || code.startsWith('HPE_');
    if (clientGone) log.debug({ code }, 'client connection ended early');
    else log.error({ err }, 'request error');
  };
}

/** PostgreSQL or Redis unreachable: the client did nothing wrong and may retry. */
function isDependencyDown(err: unknown): boolean {
  const { code, name, message } = err as { code?: unknown; name?: unknown; message?: unknown };
  if (typeof code === 'string' && ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', '57P01', '57P03'].includes(code)) return true;
  if (name === 'KnexTimeoutError' || name === 'MaxRetriesPerRequestError') return true;
  return typeof message === 'string' && message.includes('enableOfflineQueue');
}
