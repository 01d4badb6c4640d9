import { Agent, request } from 'node:http';
import type { Answer } from './response-check.ts';
import type { Pools } from './fixtures.ts';
import type { RequestPlan } from './request-arbitrary.ts';
import { PoolRef } from './values.ts';

/** Percent-encodes the UTF-8 of a string (a lone surrogate becomes U+FFFD, as any client would send it). */
export function percentEncode(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

const asText = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value) ?? '');
const printable = (text: string) => text.replace(/[^\x20-\x7e]/g, 'x');

/** Replaces every pool reference inside a value by an id drawn from the pools now. */
export function resolveRefs(value: unknown, pools: Pools, depth = 0): unknown {
  if (value instanceof PoolRef) return pools.draw(value.pool, value.pick);
  // References only sit near the top; deep nesting (generated to stress the parser) is sent as is.
  if (depth > 8) return value;
  if (Array.isArray(value)) return value.map((v) => resolveRefs(v, pools, depth + 1));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) Object.defineProperty(out, key, { value: resolveRefs(child, pools, depth + 1), enumerable: true, writable: true });
    return out;
  }
  return value;
}

/** The request as it goes on the wire, described for a failure report. */
export interface Sent {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** Sends one plan with node:http (which, unlike fetch, sends bodies on GET and any header) and reads the whole answer. */
export async function sendPlan(baseUrl: URL, agent: Agent, plan: RequestPlan, pools: Pools): Promise<{ sent: Sent; answer: Answer }> {
  // An empty segment would address another route (`/friend/` is `GET /friend`), so it is sent as `_`.
  let path = plan.path.replace(/\{([^}]+)\}/g, (_, name: string) => plan.rawParams[name] ?? (percentEncode(asText(resolveRefs(plan.params[name], pools))) || '_'));
  const query = plan.query.map(([key, value]) => `${percentEncode(key)}=${percentEncode(asText(resolveRefs(value, pools)))}`);
  const headers: Record<string, string> = { ...plan.headers };
  const auth = plan.auth;
  if (auth.kind === 'user') headers.authorization = `Bearer ${pools.users[auth.pick % pools.users.length]?.token}`;
  else if (auth.kind === 'query') query.push(`token=${pools.users[auth.pick % pools.users.length]?.token}`);
  else if (auth.kind === 'spare') headers.authorization = `Bearer ${pools.spareTokens.pop() ?? 'spent'}`;
  else if (auth.kind === 'garbage') headers.authorization = `Bearer ${printable(auth.token)}`;
  if (query.length > 0) path += `?${query.join('&')}`;

  let body: Buffer | undefined;
  if (plan.body?.kind === 'json') {
    body = Buffer.from(JSON.stringify(resolveRefs(plan.body.value, pools)) ?? 'null', 'utf8');
    headers['content-type'] = 'application/json';
  } else if (plan.body?.kind === 'raw') {
    body = Buffer.isBuffer(plan.body.bytes) ? plan.body.bytes : Buffer.from(plan.body.bytes, 'utf8');
    if (plan.body.contentType) headers['content-type'] = plan.body.contentType;
    if (plan.body.contentEncoding) headers['content-encoding'] = plan.body.contentEncoding;
  }
  if (body) headers['content-length'] = String(body.length);
  const sent: Sent = { method: plan.method.toUpperCase(), url: path, headers, body: body ? body.subarray(0, 300).toString('utf8') : '' };

  const answer = await exchange(baseUrl, agent, sent.method, path, headers, body).catch((err: NodeJS.ErrnoException) => {
    // A kept-alive connection the server closed just as it was reused: once more on a fresh one.
    if (err.code === 'ECONNRESET' || err.code === 'EPIPE') return exchange(baseUrl, undefined, sent.method, path, headers, body);
    throw err;
  });
  return { sent, answer };
}

function exchange(baseUrl: URL, agent: Agent | undefined, method: string, path: string, headers: Record<string, string>, body: Buffer | undefined): Promise<Answer> {
  return new Promise<Answer>((resolve, reject) => {
    const req = request({ host: baseUrl.hostname, port: baseUrl.port, method, path, headers, agent: agent ?? false, timeout: 60_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 60 s')));
    req.on('error', reject);
    req.end(body);
  });
}
