import http from 'node:http';
import https from 'node:https';
import { webhookHeaders } from './signature.ts';
import { assertPublicUrl, publicOnlyLookup } from './safe-address.ts';

export interface SignedPost {
  url: string;
  secret: string;
  eventType: string;
  deliveryId: string;
  body: string;
  timeoutMs: number;
  /** Allow loopback and private addresses (`WEBHOOK_ALLOW_PRIVATE`). */
  allowPrivate: boolean;
}

export interface PostAnswer {
  status: number;
  body: string;
}

/** Connections kept open between deliveries to the same endpoint (each was checked when it connected). */
const agents = { 'http:': new http.Agent({ keepAlive: true, maxSockets: 64 }), 'https:': new https.Agent({ keepAlive: true, maxSockets: 64 }) };

/** The most of an answer's body kept (enough for a moderation verdict or an error note). */
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * POSTs a signed JSON body. Redirects are not followed (a 3xx is an answer like any other), the
 * whole exchange is bounded by `timeoutMs`, and unless `allowPrivate` the address connected to must
 * be public — checked on the resolved address at connect time, so DNS cannot point it elsewhere.
 * Throws on a network failure, a refused address or the timeout.
 */
export async function postSigned(request: SignedPost): Promise<PostAnswer> {
  const url = new URL(request.url);
  if (!request.allowPrivate) await assertPublicUrl(url);
  const transport = url.protocol === 'https:' ? https : http;
  const signal = AbortSignal.timeout(request.timeoutMs);
  return new Promise<PostAnswer>((resolve, reject) => {
    const req = transport.request(url, {
      method: 'POST',
      headers: { ...webhookHeaders(request.secret, request.eventType, request.deliveryId, request.body), 'content-length': Buffer.byteLength(request.body) },
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
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8').slice(0, MAX_ANSWER_BYTES) }));
      res.on('error', reject);
    });
    req.on('error', (err) => reject(signal.aborted ? new Error(`no answer within ${request.timeoutMs} ms`) : err));
    req.end(request.body);
  });
}
