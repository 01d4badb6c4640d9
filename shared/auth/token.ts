import { randomBase62 } from './random.ts';

/**
 * The 100-character token of the API document:
 *
 *   uid(32 hex) | user secret key(32) | client type(4: web_ or mob_) | refresh secret(8)
 *   | client key(16) | issued-at(8 hex, int32 seconds)
 *
 * Secrets use [0-9A-Za-z]. The server keeps the user secret key and, per session (client key), a hash
 * of the refresh secret and the issued-at; a token is valid only when every field matches.
 */

export type ClientType = 'web' | 'mobile';

export interface TokenParts {
  uid: string;
  userSecret: string;
  clientType: ClientType;
  refreshSecret: string;
  clientKey: string;
  issuedAt: number;
}

export const TOKEN_LENGTH = 100;
const TOKEN_PATTERN = /^([0-9a-f]{32})([0-9A-Za-z]{32})(web_|mob_)([0-9A-Za-z]{8})([0-9A-Za-z]{16})([0-9a-f]{8})$/;

const typeCode: Record<ClientType, string> = { web: 'web_', mobile: 'mob_' };

export const UID_PATTERN = /^[0-9a-f]{32}$/;
export const CLIENT_KEY_PATTERN = /^[0-9A-Za-z]{16}$/;

export const newUserSecret = () => randomBase62(32);
export const newRefreshSecret = () => randomBase62(8);
export const newClientKey = () => randomBase62(16);

export function encodeToken(parts: TokenParts): string {
  if (!Number.isInteger(parts.issuedAt) || parts.issuedAt < 0 || parts.issuedAt > 0x7fffffff) {
    throw new RangeError('issuedAt must fit an int32');
  }
  const token =
    parts.uid + parts.userSecret + typeCode[parts.clientType] + parts.refreshSecret + parts.clientKey +
    parts.issuedAt.toString(16).padStart(8, '0');
  if (!TOKEN_PATTERN.test(token)) throw new Error('token parts have the wrong shape');
  return token;
}

/** Splits a token into its fields, or answers null when it does not have the exact shape. */
export function decodeToken(token: string): TokenParts | null {
  const match = TOKEN_PATTERN.exec(token);
  if (!match) return null;
  const [, uid, userSecret, type, refreshSecret, clientKey, issuedAtHex] = match as unknown as [string, string, string, string, string, string, string];
  const issuedAt = Number.parseInt(issuedAtHex, 16);
  if (issuedAt > 0x7fffffff) return null;
  return { uid, userSecret, clientType: type === 'web_' ? 'web' : 'mobile', refreshSecret, clientKey, issuedAt };
}
