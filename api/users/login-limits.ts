import { tooManyRequests } from '../../shared/errors.ts';
import { hitWindows, refundWindows, type LimitWindow } from '../../shared/redis/rate-limit.ts';
import type { ApiDeps } from '../deps.ts';

/** How many addresses of recent successful logins are remembered per username. */
const KNOWN_ADDRESSES_KEPT = 20;

/**
 * Login brute-force limits, keyed so that an attacker's failures cost the attacker:
 * - attempts per (username, address) and per address: whoever guesses from an address runs out there;
 * - failures per username, counted only from addresses with no recent successful login of that
 *   username, and only enforced on them: a distributed guess at one account stops, while its owner,
 *   from an address they signed in from before, still gets in.
 */
export interface LoginAttempt {
  /** Call after the password was checked. */
  settle(succeeded: boolean): Promise<void>;
}

export async function beginLoginAttempt(deps: ApiDeps, username: string, ip: string): Promise<LoginAttempt> {
  const { auth } = deps.config;
  const name = username.toLowerCase();
  const knownKey = deps.keys.rateLimit('login-known', name);
  const known = await isKnownAddress(deps, knownKey, ip);
  const failures: LimitWindow[] = known ? [] : [{ key: deps.keys.rateLimit('login-user-fail', name), ...auth.loginUserFailures }];
  const result = await hitWindows(deps.redis, [
    { key: deps.keys.rateLimit('login-pair', `${name}:${ip}`), ...auth.loginRate },
    { key: deps.keys.rateLimit('login-ip', ip), ...auth.loginAddressRate },
    ...failures,
  ]);
  if (!result.allowed) throw tooManyRequests(result.retryAfterSeconds);
  return {
    settle: async (succeeded) => {
      if (!succeeded) return;
      // The per-username count is of failures: a success takes its attempt back and remembers the address.
      await refundWindows(deps.redis, failures);
      await rememberAddress(deps, knownKey, ip);
    },
  };
}

async function isKnownAddress(deps: ApiDeps, key: string, ip: string): Promise<boolean> {
  const at = await deps.redis.zscore(key, ip);
  return at !== null && Number(at) > Date.now() - deps.config.auth.loginKnownAddressSeconds * 1000;
}

async function rememberAddress(deps: ApiDeps, key: string, ip: string): Promise<void> {
  await deps.redis
    .multi()
    .zadd(key, Date.now(), ip)
    .zremrangebyrank(key, 0, -KNOWN_ADDRESSES_KEPT - 1)
    .pexpire(key, deps.config.auth.loginKnownAddressSeconds * 1000)
    .exec();
}
