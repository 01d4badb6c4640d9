import type { AnyRoute } from '../http/route.ts';

export type ErrorCodes = Record<number, string[]>;

/**
 * Every error a route can answer: the ones that come with its kind, produced by the shared
 * middleware in front of every route, then the ones it declares (`errors`, from its service and
 * worker). The API document lists exactly these, and the api checks its answers against it.
 *
 * By kind:
 *  - every route: 400 `invalid_input` (each query, path and body string is checked for NUL and lone
 *    surrogates, whatever the schema), 403 `origin_not_allowed` (a browser page on an origin that is
 *    not in CORS_ORIGINS), 429 `rate_limited` (per-user and per-address limits),
 *    431 `headers_too_large` (URL or headers over ~16 KB), 503 `unavailable` (PostgreSQL or Redis down);
 *  - routes the JSON body middleware sees (all but streamed uploads): 415 `unsupported_media_type`
 *    for a body that is not JSON; on POST, PUT and PATCH, where bodies are read, also 400 `invalid_json`,
 *    400 `invalid_body` (not decodable as its Content-Encoding) and 413 `payload_too_large`;
 *  - signed-in routes: 401 `unauthorized`; routes with path ids: 404 `not_found`.
 */
export function routeErrors(route: AnyRoute): ErrorCodes {
  const codes: ErrorCodes = {};
  const expect = (status: number, ...list: readonly string[]) => (codes[status] = [...new Set([...(codes[status] ?? []), ...list])]);
  expect(400, 'invalid_input');
  expect(403, 'origin_not_allowed');
  if (!route.rawBody) {
    if (route.method === 'post' || route.method === 'put' || route.method === 'patch') {
      expect(400, 'invalid_json', 'invalid_body');
      expect(413, 'payload_too_large');
    }
    expect(415, 'unsupported_media_type');
  }
  if (route.auth) expect(401, 'unauthorized');
  if (route.params) expect(404, 'not_found');
  expect(429, 'rate_limited');
  expect(431, 'headers_too_large');
  expect(503, 'unavailable');
  for (const [status, list] of Object.entries(route.errors ?? {})) expect(Number(status), ...list);
  return Object.fromEntries(Object.entries(codes).sort(([a], [b]) => Number(a) - Number(b)));
}

/** What every operation outside the product routes (health, the document) can answer from the shared middleware. */
export const OPS_ERRORS: ErrorCodes = { 415: ['unsupported_media_type'], 431: ['headers_too_large'] };
