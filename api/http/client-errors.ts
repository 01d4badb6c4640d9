import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '../../shared/logger.ts';

/**
 * Requests Node's HTTP parser refuses before Koa sees them (a URL or headers over ~16 KB, a
 * malformed request line, a request too slow to arrive) get the same status Node would send, with
 * the standard error body instead of an empty one. They are client mistakes: logged at debug.
 */
const PARSER_ERRORS: Record<string, { status: number; reason: string; code: string; message: string }> = {
  HPE_HEADER_OVERFLOW: { status: 431, reason: 'Request Header Fields Too Large', code: 'headers_too_large', message: 'The URL or headers are too large' },
  HPE_CHUNK_EXTENSIONS_OVERFLOW: { status: 413, reason: 'Payload Too Large', code: 'payload_too_large', message: 'The chunk extensions are too large' },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, reason: 'Request Timeout', code: 'request_timeout', message: 'The request took too long to arrive' },
};
const MALFORMED = { status: 400, reason: 'Bad Request', code: 'malformed_request', message: 'The HTTP request is malformed' };

export function answerClientErrors(server: Server, log: Logger): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex & { bytesWritten?: number }) => {
    const answer = PARSER_ERRORS[err.code ?? ''] ?? MALFORMED;
    log.debug({ code: err.code, status: answer.status }, 'malformed request refused');
    // As Node does: answer only when nothing was written on this connection yet, then close it.
    if (err.code !== 'ECONNRESET' && socket.writable && socket.bytesWritten === 0) {
      const body = JSON.stringify({ error: { code: answer.code, message: answer.message } });
      socket.end(
        `HTTP/1.1 ${answer.status} ${answer.reason}\r\nContent-Type: application/json; charset=utf-8\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    }
    socket.destroy();
  });
}
