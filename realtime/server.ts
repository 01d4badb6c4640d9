import type { AuthContext } from '../shared/auth/authenticate.ts';
import { forwardingKey } from '../shared/auth/forwarding-key.ts';
import { CloseCode } from '../shared/contracts/close-codes.ts';
import { checkReadiness } from '../shared/health.ts';
import { authenticateUpgrade, currentSessionExpiry, type UpgradeCredentials } from './authenticate-upgrade.ts';
import type { Socket, SocketData } from './connections.ts';
import type { RealtimeDeps } from './deps.ts';
import { createRealtimeNode } from './node.ts';
import { createSocketLimits } from './socket-limits.ts';
import { pingIntervalMs, startSocketSweep } from './socket-sweep.ts';
import { readUpgradeSource } from './upgrade-source.ts';
import { uws, type HttpResponse, type TemplatedApp, type us_listen_socket } from './uws.ts';

export interface RealtimeServer {
  app: TemplatedApp;
  listen(host: string, port: number): Promise<us_listen_socket>;
  connectionCount(): number;
  isDraining(): boolean;
  /** Stops accepting and closes every socket with 4200, so clients reconnect to another node. */
  close(): Promise<void>;
}

/** The uWebSockets.js side of a realtime node: upgrade (authentication), socket lifecycle, health. */
export function createRealtimeServer(deps: RealtimeDeps): RealtimeServer {
  const { config, log } = deps;
  const node = createRealtimeNode(deps);
  const { connections } = node;
  const listenSockets: us_listen_socket[] = [];
  const cleanups = new Set<Promise<void>>();
  const authenticating = new Set<Socket>();
  const limits = createSocketLimits<Socket>(deps);
  let draining = false;
  const app = uws.App();
  const idleMs = config.realtime.idleTimeoutSeconds * 1000;
  const trustedForwardingKey = config.auth.internalSecret === null ? null : forwardingKey(config.auth.internalSecret);

  app.ws<SocketData>(config.realtime.path, {
    // uWS drops a connection over its own limit without a close frame; keep that as a hard ceiling
    // and close politely with 1009 at the configured limit.
    maxPayloadLength: config.realtime.maxPayloadBytes * 4,
    // Only a backstop: the sweep closes idle sockets first, with 4005 and a reason (uWS closes without a frame).
    idleTimeout: Math.min(960, config.realtime.idleTimeoutSeconds + 8),
    maxBackpressure: config.realtime.maxBackpressureBytes,
    sendPingsAutomatically: false,

    // The upgrade is synchronous and authentication happens once the socket is open. uWS's own
    // asynchronous upgrade (res.cork + res.upgrade after an await) can close a fresh socket right
    // after its 101 when the socket's memory is reused in place — the "rare 1006" clients saw.
    upgrade: (res, req, context) => {
      const credentials: UpgradeCredentials = {
        uid: req.getQuery('uid') ?? '',
        authorization: req.getHeader('authorization'),
        token: req.getQuery('token') ?? '',
        ticket: req.getQuery('ticket') ?? '',
      };
      const source = readUpgradeSource(res, req, config.cors, trustedForwardingKey);
      // Every field from the start: one fixed shape, no property storage grown later, for each of a node's sockets.
      const data: SocketData = { credentials, refusal: undefined, auth: undefined, lastHeardAt: Date.now(), sessionExpiresAt: 0, checkingSession: false, closed: false };
      if (source.originRefused) data.refusal = { code: CloseCode.originNotAllowed, reason: 'origin not allowed' };
      else if (draining) data.refusal = { code: CloseCode.nodeRestarting, reason: 'node restarting' };
      // Sockets still authenticating count too, so a burst of handshakes cannot push a node past its cap.
      else if (connections.size + authenticating.size >= config.realtime.maxConnections) data.refusal = { code: CloseCode.nodeFull, reason: 'node full' };
      res.upgrade(data, req.getHeader('sec-websocket-key'), req.getHeader('sec-websocket-protocol'), req.getHeader('sec-websocket-extensions'), context);
    },

    open: (ws) => {
      const data = ws.getUserData();
      const { credentials, refusal } = data;
      // The token is not needed once checked: an open socket keeps only who it is.
      data.credentials = undefined;
      if (refusal || !credentials) return ws.end(refusal?.code ?? CloseCode.badToken, refusal?.reason ?? 'invalid token');
      authenticating.add(ws);
      authenticateUpgrade(deps, credentials).then(
        (verdict) => {
          authenticating.delete(ws);
          if (data.closed) return;
          if (draining) return ws.end(CloseCode.nodeRestarting, 'node restarting');
          if (verdict.kind === 'expired') return ws.end(CloseCode.sessionExpired, 'session expired');
          if (verdict.kind !== 'ok') return ws.end(CloseCode.badToken, 'invalid token');
          admit(ws, data, verdict.auth, verdict.sessionExpiresAt);
        },
        (err: unknown) => {
          authenticating.delete(ws);
          log.error({ err }, 'socket authentication failed');
          if (!data.closed) ws.end(CloseCode.tryAgainLater, 'try again later');
        },
      );
    },

    message: (ws, message, isBinary) => {
      ws.getUserData().lastHeardAt = Date.now();
      if (!limits.allowFrame(ws)) {
        deps.metrics.realtime.socketsLimited.inc({ code: String(CloseCode.rateLimited) });
        return ws.end(CloseCode.rateLimited, 'frame rate limited');
      }
      if (message.byteLength > config.realtime.maxPayloadBytes) return ws.end(CloseCode.frameTooBig, 'frame too big');
      // The ArrayBuffer is only valid during this callback: decode it now.
      const text = Buffer.from(message).toString('utf8');
      if (!isBinary && text === 'ping') {
        ws.send('pong');
        return;
      }
      const { auth } = ws.getUserData();
      if (!auth) return; // still authenticating: the client has not had on_ready yet
      node.clientFrame(ws, auth.uid, text).then(
        (reply) => {
          if (reply && connections.has(ws)) ws.send(reply);
        },
        (err: unknown) => log.error({ err }, 'client frame failed'),
      );
    },

    // Protocol-level pings and pongs (non-browser clients) count as activity too.
    ping: (ws) => {
      ws.getUserData().lastHeardAt = Date.now();
    },
    pong: (ws) => {
      ws.getUserData().lastHeardAt = Date.now();
    },

    close: (ws) => {
      const data = ws.getUserData();
      data.closed = true;
      authenticating.delete(ws);
      track(limits.release(ws), 'releasing a socket\'s place failed');
      const { auth } = data;
      if (!auth) return;
      const cleanup: Promise<void> = node
        .disconnected(ws, auth.uid)
        .catch((err: unknown) => log.error({ err }, 'cleaning up a socket failed'))
        .finally(() => cleanups.delete(cleanup));
      cleanups.add(cleanup);
      deps.metrics.realtime.socketsConnected.set(connections.size);
    },
  });

  /** An authenticated socket takes a place among its user's sockets (or is refused with 4006), then is set up. */
  function admit(ws: Socket, data: SocketData, auth: AuthContext, sessionExpiresAt: Date): void {
    limits.admit(ws, auth.uid).then(
      (admitted) => {
        if (data.closed) return track(limits.release(ws), 'releasing a socket\'s place failed');
        if (!admitted) {
          deps.metrics.realtime.socketsLimited.inc({ code: String(CloseCode.tooManyConnections) });
          return ws.end(CloseCode.tooManyConnections, 'too many connections');
        }
        if (draining) return ws.end(CloseCode.nodeRestarting, 'node restarting');
        data.auth = auth;
        data.sessionExpiresAt = sessionExpiresAt.getTime();
        const ready = { ping_interval_ms: pingIntervalMs(idleMs), idle_timeout_ms: idleMs, session_expires_at: sessionExpiresAt.toISOString() };
        node.connected(ws, auth.uid, ready).catch((err: unknown) => {
          // Without its subscriptions the socket would miss events: the client reconnects instead.
          log.error({ err }, 'setting up a socket failed');
          if (!data.closed) ws.end(CloseCode.tryAgainLater, 'try again later');
        });
        deps.metrics.realtime.socketsConnected.set(connections.size);
      },
      (err: unknown) => {
        log.error({ err }, 'counting a socket failed');
        if (!data.closed) ws.end(CloseCode.tryAgainLater, 'try again later');
      },
    );
  }

  /** Work a closed socket leaves behind, awaited by `close` while Redis is still open. */
  function track(work: Promise<void>, failure: string): void {
    const tracked: Promise<void> = work.catch((err: unknown) => log.error({ err }, failure)).finally(() => cleanups.delete(tracked));
    cleanups.add(tracked);
  }

  // Idle sockets close with 4005; at its session's expiry a socket is checked for a refresh, else closed with 4002.
  const sweep = startSocketSweep(() => connections.all(), { idleMs }, (ws) => {
    const data = ws.getUserData();
    if (!data.auth) return;
    data.checkingSession = true;
    currentSessionExpiry(deps, data.auth).then(
      (expiresAt) => {
        data.checkingSession = false;
        if (data.closed) return;
        if (expiresAt) data.sessionExpiresAt = expiresAt.getTime();
        else ws.end(CloseCode.sessionExpired, 'session expired');
      },
      (err: unknown) => {
        data.checkingSession = false; // asked again at the next sweep
        log.error({ err }, 'checking a session\'s expiry failed');
      },
    );
  });

  const json = (res: HttpResponse, status: string, body: unknown): void => {
    res.cork(() => res.writeStatus(status).writeHeader('content-type', 'application/json').end(JSON.stringify(body)));
  };
  app.get('/healthz', (res) => json(res, '200 OK', { status: 'ok', pid: process.pid, connections: connections.size }));
  app.get('/readyz', (res) => {
    let aborted = false;
    res.onAborted(() => {
      aborted = true;
    });
    checkReadiness(deps.db, deps.redis, draining)
      .then(({ ready, body }) => {
        if (!aborted) json(res, ready ? '200 OK' : '503 Service Unavailable', body);
      })
      .catch((err: unknown) => log.warn({ err }, 'readiness answer failed'));
  });
  app.any('/*', (res) => json(res, '404 Not Found', { error: { code: 'not_found', message: 'No such path' } }));

  return {
    app,
    listen: (host, port) =>
      new Promise((resolve, reject) => {
        app.listen(host, port, (socket) => {
          if (!socket) return reject(new Error(`realtime cannot listen on ${host}:${port}`));
          listenSockets.push(socket);
          resolve(socket);
        });
      }),
    connectionCount: () => connections.size,
    isDraining: () => draining,
    close: async () => {
      draining = true;
      limits.stop();
      sweep.stop();
      for (const socket of listenSockets) uws.us_listen_socket_close(socket);
      for (const ws of [...connections.all(), ...authenticating]) ws.end(CloseCode.nodeRestarting, 'node restarting');
      // Let each closed socket's cleanup (unsubscribe, presence) finish while Redis is still open.
      await new Promise((resolve) => setImmediate(resolve));
      await Promise.allSettled([...cleanups]);
      node.presence.stop();
      node.subscriptions.stop();
    },
  };
}
