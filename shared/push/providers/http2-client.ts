import http2 from 'node:http2';

export interface Http2Answer {
  status: number;
  headers: http2.IncomingHttpHeaders;
  body: string;
}

/**
 * HTTP/2 requests over one kept session per origin (`https://` with TLS, `http://` as h2c), as FCM
 * and APNs want. A session that fails or is closed by the server is dropped and reopened on the next request.
 */
export class Http2Client {
  private readonly sessions = new Map<string, http2.ClientHttp2Session>();

  constructor(private readonly timeoutMs = 10_000) {}

  async request(url: string, headers: Record<string, string>, body: string): Promise<Http2Answer> {
    const target = new URL(url);
    const session = this.session(target.origin);
    return new Promise<Http2Answer>((resolve, reject) => {
      const stream = session.request({ ':method': 'POST', ':path': `${target.pathname}${target.search}`, ...headers });
      stream.setTimeout(this.timeoutMs, () => stream.close(http2.constants.NGHTTP2_CANCEL));
      let status = 0;
      let responseHeaders: http2.IncomingHttpHeaders = {};
      const chunks: Buffer[] = [];
      stream.on('response', (h) => {
        status = Number(h[':status']);
        responseHeaders = h;
      });
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', reject);
      stream.on('close', () => {
        if (status === 0) reject(new Error(`no answer from ${target.origin}`));
        else resolve({ status, headers: responseHeaders, body: Buffer.concat(chunks).toString('utf8') });
      });
      stream.end(body);
    });
  }

  private session(origin: string): http2.ClientHttp2Session {
    const known = this.sessions.get(origin);
    if (known && !known.closed && !known.destroyed) return known;
    const session = http2.connect(origin);
    const forget = () => {
      if (this.sessions.get(origin) === session) this.sessions.delete(origin);
    };
    session.on('error', forget);
    session.on('goaway', forget);
    session.on('close', forget);
    // An idle session must not keep the process alive.
    session.unref();
    this.sessions.set(origin, session);
    return session;
  }

  close(): void {
    for (const session of this.sessions.values()) session.close();
    this.sessions.clear();
  }
}

export const headerText = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value) ?? null;
