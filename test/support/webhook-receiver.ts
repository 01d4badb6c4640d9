import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  headers: http.IncomingHttpHeaders;
  body: string;
  json: { id: string; type: string; created_at: string; data: Record<string, any> };
  receivedAt: number;
}

/** What the receiver answers a request: a status, a JSON body, after an optional delay. */
export type Answer = { status: number; json?: unknown; delayMs?: number };

/**
 * A webhook receiver on loopback for tests: records every request and answers what `answer` says
 * (200 by default). Verifies nothing itself: tests check signatures with their own HMAC code.
 */
export async function startReceiver(answer: (request: ReceivedRequest) => Answer = () => ({ status: 200 })) {
  const received: ReceivedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: ReceivedRequest['json'];
      try {
        json = JSON.parse(body);
      } catch {
        json = { id: '', type: '', created_at: '', data: {} };
      }
      const request = { headers: req.headers, body, json, receivedAt: Date.now() };
      received.push(request);
      const reply = answer(request);
      const send = () => {
        res.writeHead(reply.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(reply.json ?? {}));
      };
      if (reply.delayMs) setTimeout(send, reply.delayMs);
      else send();
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    port,
    received,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type Receiver = Awaited<ReturnType<typeof startReceiver>>;

/** The test's own check of `X-Wetty-Signature`: HMAC-SHA256 of "<timestamp>.<body>" with the secret. */
export function signatureIsValid(secret: string, request: Pick<ReceivedRequest, 'headers' | 'body'>): boolean {
  const timestamp = String(request.headers['x-wetty-timestamp'] ?? '');
  const given = String(request.headers['x-wetty-signature'] ?? '');
  const expected = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${request.body}`).digest('hex')}`;
  return given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}
