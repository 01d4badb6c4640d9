import type { IncomingMessage, Server } from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { FORWARDED_BY_HEADER } from '../../shared/auth/forwarding-key.ts';
import type { Logger } from '../../shared/logger.ts';

export interface UpgradeProxyOptions {
  /** The WebSocket path (`WS_PATH`); other upgrades are refused. */
  path: string;
  /** Where the realtime nodes listen (`WS_HOST`, `WS_PORT`): every node of the host shares the port. */
  target: { host: string; port: number };
  /** Proves to the realtime node that the forwarding headers come from the api (see forwardingKey). */
  forwardingKey: string;
  /** Keep the client's own `X-Forwarded-For`/`-Proto` (the api is behind a trusted proxy: TRUST_PROXY). */
  trustProxy: boolean;
  log: Logger;
}

export interface UpgradeProxy {
  /** Open tunnels. */
  size(): number;
  /** Closes every tunnel with 4200 (`node restarting`) so clients reconnect. */
  close(): void;
}

/**
 * Serves the WebSocket on the api's origin: an upgrade on `path` is passed, as bytes, to a realtime
 * node, and the two sockets are then joined both ways until either ends. The api does not speak
 * WebSocket; the realtime node authenticates, checks the Origin (against the Host, kept as is) and
 * answers. The api adds `X-Forwarded-For` (the client's address) with its key, so the node knows who
 * is really connecting. Each tunnel is a new connection to the shared port: the kernel spreads them
 * over the nodes (SO_REUSEPORT), so realtime keeps scaling by adding nodes.
 */
export function attachUpgradeProxy(server: Server, options: UpgradeProxyOptions): UpgradeProxy {
  const tunnels = new Set<{ client: Duplex; upstream: net.Socket }>();
  const connectHost = ['0.0.0.0', '::', ''].includes(options.target.host) ? '127.0.0.1' : options.target.host;

  server.on('upgrade', (req: IncomingMessage, client: Duplex, head: Buffer) => {
    const pathname = (req.url ?? '').split('?')[0];
    if (pathname !== options.path || (req.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
      client.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const upstream = net.connect({ host: connectHost, port: options.target.port });
    const tunnel = { client, upstream };
    tunnels.add(tunnel);
    upstream.setNoDelay(true);
    if (client instanceof net.Socket) client.setNoDelay(true);
    let connected = false;

    upstream.once('connect', () => {
      connected = true;
      upstream.write(requestHead(req, options));
      if (head.length > 0) upstream.write(head);
      client.pipe(upstream);
      upstream.pipe(client);
    });
    upstream.on('error', (err) => {
      if (!connected) {
        options.log.warn({ err, target: `${connectHost}:${options.target.port}` }, 'no realtime node answered a WebSocket upgrade');
        client.end('HTTP/1.1 503 Service Unavailable\r\nRetry-After: 2\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      } else {
        client.destroy();
      }
    });
    client.on('error', () => upstream.destroy());
    // When either side is gone, so is the other.
    upstream.once('close', () => {
      tunnels.delete(tunnel);
      if (connected) client.destroy();
    });
    client.once('close', () => {
      tunnels.delete(tunnel);
      upstream.destroy();
    });
  });

  return {
    size: () => tunnels.size,
    close: () => {
      for (const { client, upstream } of tunnels) {
        upstream.unpipe(client);
        upstream.destroy();
        client.end(closeFrame(4200, 'node restarting'));
      }
      tunnels.clear();
    },
  };
}

/** The upgrade request as the realtime node sees it: the client's headers, with the api's forwarding headers. */
function requestHead(req: IncomingMessage, options: UpgradeProxyOptions): string {
  const lines = [`GET ${req.url ?? '/'} HTTP/1.1`];
  const dropped = new Set([FORWARDED_BY_HEADER, 'x-forwarded-for', 'x-forwarded-proto']);
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string;
    if (dropped.has(name.toLowerCase())) continue;
    lines.push(`${name}: ${raw[i + 1] as string}`);
  }
  // One address, the client's as the api's own routes see it (Koa's ctx.ip): the first forwarded one behind a trusted proxy.
  const forwardedClient = options.trustProxy ? headerText(req.headers['x-forwarded-for']).split(',')[0]?.trim() : '';
  lines.push(`X-Forwarded-For: ${forwardedClient || req.socket.remoteAddress || ''}`);
  const proto = options.trustProxy ? headerText(req.headers['x-forwarded-proto']) : '';
  lines.push(`X-Forwarded-Proto: ${proto || 'http'}`);
  lines.push(`${FORWARDED_BY_HEADER}: ${options.forwardingKey}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

const headerText = (value: string | string[] | undefined): string => (Array.isArray(value) ? value.join(', ') : value ?? '');

/** An unmasked server→client WebSocket close frame (RFC 6455 §5.5.1). */
export function closeFrame(code: number, reason: string): Buffer {
  const text = Buffer.from(reason);
  return Buffer.concat([Buffer.from([0x88, 2 + text.length, code >> 8, code & 0xff]), text]);
}
