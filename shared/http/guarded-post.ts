import http from 'node:http';
import https from 'node:https';
import { hostOf, isPublicAddress, PrivateAddressError, publicOnlyLookup } from './safe-address.ts';
import { isIP } from 'node:net';

/** A POST to a URL someone else chose (a webhook endpoint, a browser's push service). */
export interface GuardedPost {
  url: string;
  headers: Record<string, string>;
  body: string | Buffer;
  timeoutMs: number;
  /** Allow loopback and private addresses (tests, or endpoints inside the operator's network). */
  allowPrivate: boolean;
}

export interface PostAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Connections kept open between requests to the same host (each was checked when it connected). */
const agents = { 'http:': new http.Agent({ keepAlive: true, maxSockets: 64 }), 'https:': new https.Agent({ keepAlive: true, maxSockets: 64 }) };

/** The most of an answer's body kept (enough for a verdict or an error note). */
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * POSTs to a URL that a user or an operator gave us, so that it cannot be turned against the
 * network we run in: unless `allowPrivate`, the address connected to must be public — checked on
 * the resolved address at connect time, so DNS cannot point it elsewhere (`PrivateAddressError`).
 * Redirects are not followed (a 3xx is an answer like any other) and the whole exchange is bounded
 * by `timeoutMs`. Throws on a network failure, a refused address or the timeout.
 */
export async function guardedPost(request: GuardedPost): Promise<PostAnswer> {
  const url = new URL(request.url);
  // A name is resolved once, by the lookup that checks what it connects to; an address literal is
  // connected to without a lookup, so it is judged here.
  const host = hostOf(url);
  if (!request.allowPrivate && isIP(host) && !isPublicAddress(host)) throw new PrivateAddressError(host, host);
  const transport = url.protocol === 'https:' ? https : http;
  const signal = AbortSignal.timeout(request.timeoutMs);
  return new Promise<PostAnswer>((resolve, reject) => {
    const req = transport.request(url, {
      method: 'POST',
      headers: { ...request.headers, 'content-length': Buffer.byteLength(request.body) },
      signal,
      agent: url.protocol === 'https:' ? agents['https:'] : agents['http:'],
      ...(request.allowPrivate ? {} : { lookup: publicOnlyLookup }),
    }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        if (size < MAX_ANSWER_BYTES) chunks.push(chunk);
        size += chunk.length;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8').slice(0, MAX_ANSWER_BYTES) }));
      res.on('error', reject);
    });
    req.on('error', (err) => reject(signal.aborted ? new Error(`no answer within ${request.timeoutMs} ms`) : err));
    req.end(request.body);
  });
}
