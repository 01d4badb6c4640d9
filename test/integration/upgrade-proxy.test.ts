import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { expect } from 'chai';
import { attachUpgradeProxy, closeFrame, type UpgradeProxy } from '../../api/realtime/upgrade-proxy.ts';
import { FORWARDED_BY_HEADER } from '../../shared/auth/forwarding-key.ts';
import { createLogger } from '../../shared/logger.ts';
import { waitFor } from '../support/system.ts';

const KEY = 'the-forwarding-key';
const SWITCH = 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n';

/** A stand-in realtime node: records the request head it gets, answers 101, then echoes every byte. */
async function startEchoNode() {
  const heads: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    let buffered = Buffer.alloc(0);
    let upgraded = false;
    socket.on('data', (chunk: Buffer) => {
      if (upgraded) return void socket.write(chunk);
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) return;
      heads.push(buffered.subarray(0, end).toString('latin1'));
      upgraded = true;
      socket.write(SWITCH);
      const rest = buffered.subarray(end + 4);
      if (rest.length > 0) socket.write(rest);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, heads, sockets, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

async function startProxy(targetPort: number, trustProxy = false) {
  const server = http.createServer((_req, res) => res.end('not an upgrade'));
  const proxy = attachUpgradeProxy(server, { path: '/ws/chats', target: { host: '127.0.0.1', port: targetPort }, forwardingKey: KEY, trustProxy, log: createLogger({ logLevel: 'silent' }, 'proxy-test') });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { port, proxy, close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) };
}

/** A raw client: sends an upgrade request, and collects everything that comes back. */
function rawClient(port: number, request: string) {
  const socket = net.connect(port, '127.0.0.1', () => socket.write(request));
  let received = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => (received = Buffer.concat([received, chunk])));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => {});
  return { socket, received: () => received, closed };
}

const upgradeRequest = (path: string, extra: string[] = []) =>
  [`GET ${path} HTTP/1.1`, 'Host: chat.example.com:3000', 'Origin: https://chat.example.com:3000', 'Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version: 13', ...extra, '', ''].join('\r\n');

describe('the api\'s WebSocket upgrade proxy', () => {
  let node: Awaited<ReturnType<typeof startEchoNode>>;
  let api: Awaited<ReturnType<typeof startProxy>>;
  before(async () => {
    node = await startEchoNode();
    api = await startProxy(node.port);
  });
  after(async () => {
    await api.close();
    await node.close();
  });

  it('passes the upgrade with the client\'s Host, Origin and query, its own forwarding headers, and drops forged ones', async () => {
    const client = rawClient(api.port, upgradeRequest('/ws/chats?uid=abc&ticket=T', [`${FORWARDED_BY_HEADER}: forged`, 'X-Forwarded-For: 6.6.6.6', 'X-Forwarded-Proto: https']));
    await waitFor(() => client.received().toString().startsWith('HTTP/1.1 101'), 5000);
    const head = node.heads.at(-1) ?? '';
    expect(head.split('\r\n')[0]).to.equal('GET /ws/chats?uid=abc&ticket=T HTTP/1.1');
    expect(head).to.contain('Host: chat.example.com:3000');
    expect(head).to.contain('Origin: https://chat.example.com:3000');
    expect(head).to.contain('Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==');
    expect(head).to.contain('X-Forwarded-For: 127.0.0.1');
    expect(head).to.contain('X-Forwarded-Proto: http');
    expect(head).to.contain(`${FORWARDED_BY_HEADER}: ${KEY}`);
    expect(head).not.to.contain('6.6.6.6');
    expect(head).not.to.contain('forged');
    client.socket.destroy();
  });

  it('streams bytes both ways unchanged, a megabyte each way', async () => {
    const client = rawClient(api.port, upgradeRequest('/ws/chats'));
    await waitFor(() => client.received().length >= SWITCH.length, 5000);
    const payload = randomBytes(1024 * 1024);
    client.socket.write(payload);
    await waitFor(() => client.received().length >= SWITCH.length + payload.length, 10_000);
    expect(client.received().subarray(SWITCH.length).equals(payload)).to.equal(true);
    client.socket.destroy();
  });

  it('closes the realtime side when the client goes, and the client when the realtime side goes', async () => {
    const first = rawClient(api.port, upgradeRequest('/ws/chats'));
    await waitFor(() => first.received().length >= SWITCH.length, 5000);
    const before = node.sockets.size;
    first.socket.destroy();
    await waitFor(() => node.sockets.size === before - 1, 5000);
    await waitFor(() => api.proxy.size() === 0, 5000);

    const second = rawClient(api.port, upgradeRequest('/ws/chats'));
    await waitFor(() => second.received().length >= SWITCH.length, 5000);
    for (const socket of node.sockets) socket.destroy();
    await second.closed;
    await waitFor(() => api.proxy.size() === 0, 5000);
  });

  it('answers 404 for another path and 503 when no realtime node listens', async () => {
    const wrong = rawClient(api.port, upgradeRequest('/elsewhere'));
    await wrong.closed;
    expect(wrong.received().toString()).to.match(/^HTTP\/1\.1 404/);
    const down = await startProxy(await unusedPort());
    const client = rawClient(down.port, upgradeRequest('/ws/chats'));
    await client.closed;
    expect(client.received().toString()).to.match(/^HTTP\/1\.1 503/);
    expect(client.received().toString()).to.contain('Retry-After');
    await down.close();
  });

  it('closes its tunnels with a 4200 close frame when the api stops', async () => {
    const client = rawClient(api.port, upgradeRequest('/ws/chats'));
    await waitFor(() => client.received().length >= SWITCH.length, 5000);
    (api.proxy as UpgradeProxy).close();
    await client.closed;
    expect(client.received().subarray(SWITCH.length).equals(closeFrame(4200, 'node restarting'))).to.equal(true);
  });

  it('behind a trusted proxy, forwards the first address of the client\'s X-Forwarded-For', async () => {
    const trusting = await startProxy(node.port, true);
    const client = rawClient(trusting.port, upgradeRequest('/ws/chats', ['X-Forwarded-For: 203.0.113.7, 10.0.0.2', 'X-Forwarded-Proto: https']));
    await waitFor(() => client.received().length >= SWITCH.length, 5000);
    const head = node.heads.at(-1) ?? '';
    expect(head).to.contain('X-Forwarded-For: 203.0.113.7\r\n');
    expect(head).to.contain('X-Forwarded-Proto: https');
    client.socket.destroy();
    await trusting.close();
  });
});

function unusedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
