import type { IncomingMessage, Server, ServerResponse } from 'node:http';

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

export interface DrainableServer {
  /**
   * Stops the server: no new connection is accepted, and a request that starts from now on (a
   * kept-alive connection's next request) is refused with 503 `unavailable` before the application
   * sees it. Requests in progress get their full answer with `Connection: close`, idle connections
   * are closed at once, and it resolves when every connection is gone; whatever is still open after
   * `graceMs` is cut.
   */
  close(graceMs: number): Promise<void>;
}

/**
 * Takes over a server's request handling (call it once its request listener is attached) so that
 * it can be drained. Node's own `server.close()` keeps serving new requests on kept-alive connections
 * until they go idle, which a busy client never lets happen: they would be cut at the deadline.
 */
export function drainable(server: Server): DrainableServer {
  const handlers = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  const inFlight = new Set<ServerResponse>();
  let closing = false;

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (closing) return refuse(res);
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
    for (const handler of handlers) handler.call(server, req, res);
  });

  return {
    close: (graceMs) =>
      new Promise((resolve) => {
        closing = true;
        for (const res of inFlight) {
          // Not yet answered: the answer says this connection ends. Already streaming: the
          // connection is closed once idle, and anything sent on it before then is refused.
          if (!res.headersSent) res.setHeader('Connection', 'close');
        }
        const idle = setInterval(() => server.closeIdleConnections(), 25);
        const deadline = setTimeout(() => server.closeAllConnections(), graceMs);
        server.close(() => {
          clearInterval(idle);
          clearTimeout(deadline);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}

function refuse(res: ServerResponse): void {
  const body = JSON.stringify({ error: { code: 'unavailable', message: 'This server is shutting down; retry the request' } });
  res.writeHead(503, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), 'retry-after': '1', connection: 'close' });
  res.end(body);
}
