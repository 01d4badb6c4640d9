import type { Redis } from 'ioredis';
import type { RedisKeys } from '../redis/keys.ts';
import type { AuthContext } from './authenticate.ts';
import { randomBase62 } from './random.ts';

/**
 * Single-use tickets let a browser open the WebSocket without putting its long-lived token in a URL.
 * A ticket names the session it was issued from; the realtime node checks that session still exists.
 */
export async function issueWsTicket(redis: Redis, keys: RedisKeys, auth: AuthContext, ttlSeconds: number): Promise<string> {
  const ticket = randomBase62(40);
  await redis.set(keys.wsTicket(ticket), JSON.stringify(auth), 'EX', ttlSeconds);
  return ticket;
}

export const WS_TICKET_PATTERN = /^[0-9A-Za-z]{40}$/;

/** Answers the session a ticket was issued for and deletes it, so a second use fails. */
export async function consumeWsTicket(redis: Redis, keys: RedisKeys, ticket: string): Promise<AuthContext | null> {
  if (!WS_TICKET_PATTERN.test(ticket)) return null;
  const stored = await redis.getdel(keys.wsTicket(ticket));
  return stored === null ? null : (JSON.parse(stored) as AuthContext);
}
