import type { Server } from 'node:http';

/**
 * Stops accepting connections, lets requests in progress finish, and resolves once every
 * connection is gone. Idle keep-alive connections are closed as soon as they are idle (a request
 * never starts on them, so nothing is lost); whatever is still open after `graceMs` is cut.
 */
export function closeHttpServer(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => {
      clearInterval(idle);
      clearTimeout(deadline);
      resolve();
    });
    const idle = setInterval(() => server.closeIdleConnections(), 50);
    const deadline = setTimeout(() => server.closeAllConnections(), graceMs);
    server.closeIdleConnections();
  });
}
