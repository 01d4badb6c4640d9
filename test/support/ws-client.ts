import WebSocket from 'ws';

export interface Frame {
  event: string;
  data: Record<string, any>;
}

export interface WsConnection {
  socket: WebSocket;
  /** Every text frame received, in order (nothing is consumed by waiting). */
  frames: string[];
  closed: Promise<{ code: number; reason: string }>;
  /** The next frame not yet returned by `nextFrame`. */
  nextFrame(timeoutMs?: number): Promise<string>;
  /** Resolves with the first JSON frame (already received or still to come) that matches. */
  waitFor(match: (frame: Frame) => boolean, timeoutMs?: number): Promise<Frame>;
  /** The JSON frames received so far that match. */
  events(match: (frame: Frame) => boolean): Frame[];
  close(): void;
}

const parse = (text: string): Frame | null => {
  try {
    return JSON.parse(text) as Frame;
  } catch {
    return null;
  }
};

/**
 * Opens a WebSocket and records what arrives. Resolves once the node says the socket is subscribed
 * (`on_ready`, which `nextFrame` then skips), or once closed when refused.
 */
export function connectWs(url: string, headers: Record<string, string> = {}): Promise<WsConnection> {
  const socket = new WebSocket(url, { headers });
  const frames: string[] = [];
  let read = 0;
  const listeners = new Set<() => void>();
  socket.on('message', (data: WebSocket.RawData) => {
    frames.push(data.toString());
    for (const listener of [...listeners]) listener();
  });
  let closedWith = '';
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.once('close', (code: number, reason: Buffer) => {
      closedWith = `; the socket closed with ${code} ${reason.toString()}`;
      resolve({ code, reason: reason.toString() });
    }),
  );
  const until = <T>(check: () => T | undefined, timeoutMs: number, what: string) =>
    new Promise<T>((resolve, reject) => {
      const found = check();
      if (found !== undefined) return resolve(found);
      const timer = setTimeout(() => {
        listeners.delete(listener);
        reject(new Error(`${what} did not arrive within ${timeoutMs} ms; got ${JSON.stringify(frames.slice(-5))}${closedWith}`));
      }, timeoutMs);
      const listener = () => {
        const value = check();
        if (value === undefined) return;
        clearTimeout(timer);
        listeners.delete(listener);
        resolve(value);
      };
      listeners.add(listener);
    });
  const connection: WsConnection = {
    socket,
    frames,
    closed,
    nextFrame: (timeoutMs = 5000) => until(() => (read < frames.length ? frames[read++] : undefined), timeoutMs, 'a frame'),
    waitFor: (match, timeoutMs = 5000) =>
      until(() => frames.map(parse).find((f): f is Frame => f !== null && match(f)), timeoutMs, 'the expected event'),
    events: (match) => frames.map(parse).filter((f): f is Frame => f !== null && match(f)),
    close: () => socket.close(),
  };
  return new Promise((resolve, reject) => {
    socket.once('open', () => {
      connection.waitFor((f) => f.event === 'on_ready', 10_000).then(
        () => {
          if (frames[0]?.startsWith('{"event":"on_ready"')) read = 1;
          resolve(connection);
        },
        () => resolve(connection),
      );
    });
    socket.once('close', () => resolve(connection));
    socket.once('error', reject);
  });
}
