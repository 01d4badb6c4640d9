import { createHash, timingSafeEqual } from 'node:crypto';
import type { Middleware } from 'koa';
import { AppError } from '../../shared/errors.ts';
import type { ApiState } from '../http/context.ts';

export interface OperatorCredentials {
  user: string;
  password: string;
}

const REALM = 'Basic realm="wetty operators", charset="UTF-8"';

// Hashing first makes both sides the same length, so the comparison time says nothing about either.
const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
const same = (a: Buffer, b: Buffer) => timingSafeEqual(a, b);

/** Reads `Authorization: Basic base64(user:password)`; null when absent or malformed. */
export function parseBasicAuth(header: string): OperatorCredentials | null {
  const encoded = /^Basic ([A-Za-z0-9+/]+=*)$/i.exec(header.trim())?.[1];
  if (!encoded) return null;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * HTTP Basic authentication for operator pages. Both the user and the password are always compared
 * in constant time, whatever the first comparison says. Refusals are 401 with `WWW-Authenticate`
 * so browsers ask for credentials.
 */
export function requireOperator(expected: OperatorCredentials): Middleware<ApiState> {
  const user = digest(expected.user);
  const password = digest(expected.password);
  return async (ctx, next) => {
    const given = parseBasicAuth(ctx.get('authorization'));
    const userOk = same(digest(given?.user ?? ''), user);
    const passwordOk = same(digest(given?.password ?? ''), password);
    if (!given || !userOk || !passwordOk) {
      throw new AppError(401, 'unauthorized', 'Operator credentials required', undefined, { 'WWW-Authenticate': REALM });
    }
    return next();
  };
}
