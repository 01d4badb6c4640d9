/**
 * Which browser origins may use Wetty: the api's own origin always, and those listed in CORS_ORIGINS
 * (or any, with `*`). One rule for REST (the api) and the WebSocket (the realtime nodes).
 */
export interface OriginPolicy {
  /** Listed origins, or ['*'] for any. */
  origins: readonly string[];
}

export type OriginVerdict = 'none' | 'same-origin' | 'allowed' | 'refused';

/**
 * `origin` is the request's Origin header ('' when absent: not a browser, or a same-origin GET);
 * `selfHost` the Host the request was sent to (host[:port]), which is the page's own origin when they match.
 * The scheme is not compared for same-origin: behind a TLS edge the api sees plain HTTP.
 */
export function judgeOrigin(policy: OriginPolicy, origin: string, selfHost: string): OriginVerdict {
  if (origin === '') return 'none';
  if (policy.origins.includes('*')) return 'allowed';
  if (policy.origins.includes(origin)) return 'allowed';
  if (selfHost !== '' && hostOf(origin) === selfHost.toLowerCase()) return 'same-origin';
  return 'refused';
}

/** host[:port] of an origin, lower-case; '' for `null` or anything that is not an http(s) origin. */
function hostOf(origin: string): string {
  try {
    const url = new URL(origin);
    return /^https?:$/.test(url.protocol) ? url.host.toLowerCase() : '';
  } catch {
    return '';
  }
}
