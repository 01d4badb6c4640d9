import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { CloseCode } from '../../shared/contracts/close-codes.ts';
import { createLogger } from '../../shared/logger.ts';
import { redisKeys } from '../../shared/redis/keys.ts';
import { openRealtimeDeps } from '../../realtime/deps.ts';
import { createRealtimeServer, type RealtimeServer } from '../../realtime/server.ts';
import { SocketLimits } from '../../realtime/socket-limits.ts';
import { uws } from '../../realtime/uws.ts';
import { startTestApi, type TestApi } from '../support/api-server.ts';
import { testConfig } from '../support/config.ts';
import { createGroup } from '../support/social.ts';
import { signUp, type TestUser } from '../support/users.ts';
import { connectWs, type WsConnection } from '../support/ws-client.ts';

const stillOpen = async (ws: WsConnection) => {
  ws.socket.send('ping');
  expect(await ws.nextFrame()).to.equal('pong');
};

describe('realtime: sockets per user and frames per socket', () => {
  // Two nodes in this process, sharing one Redis prefix as the nodes of one deployment do.
  const config = testConfig({ WS_USER_MAX_SOCKETS_PER_NODE: '2', WS_USER_MAX_SOCKETS: '3', WS_FRAME_RATE_MAX: '5', WS_FRAME_RATE_WINDOW_SECONDS: '600' });
  const keys = redisKeys(config.redis.prefix);
  let api: TestApi;
  let redis: Redis;
  const nodes: { server: RealtimeServer; url: string; limited(code: number): Promise<number>; close(): Promise<void> }[] = [];
  const open: WsConnection[] = [];

  before(async () => {
    api = await startTestApi();
    redis = new Redis(config.redis.url);
    for (let i = 0; i < 2; i++) {
      const deps = await openRealtimeDeps(config, createLogger(config, 'realtime-test'), { processMetrics: false });
      const server = createRealtimeServer(deps);
      const port = uws.us_socket_local_port(await server.listen('127.0.0.1', 0));
      const limited = async (code: number) => {
        const metric = await deps.metrics.registry.getSingleMetric('wetty_realtime_sockets_limited_total')?.get();
        return metric?.values.find((v) => v.labels.code === String(code))?.value ?? 0;
      };
      nodes.push({ server, url: `ws://127.0.0.1:${port}${config.realtime.path}`, limited, close: async () => (await server.close(), await deps.close()) });
    }
  });
  after(async () => {
    for (const ws of open) ws.close();
    for (const node of nodes) await node.close();
    await redis?.quit();
    await api?.close();
  });

  const connect = async (node: number, user: TestUser) => {
    const ws = await connectWs(`${nodes[node]?.url}?uid=${user.uid}`, { authorization: `Bearer ${user.token}` });
    open.push(ws);
    return ws;
  };
  const refusedWith = async (ws: WsConnection) => ws.closed;

  it('refuses the newest socket past the per-node and the total limits with 4006, keeps the open ones, and frees a place on close', async () => {
    const [user, other] = [await signUp(api.http), await signUp(api.http)];
    const a1 = await connect(0, user);
    const a2 = await connect(0, user);
    expect(await refusedWith(await connect(0, user))).to.deep.equal({ code: CloseCode.tooManyConnections, reason: 'too many connections' });
    await stillOpen(a1);
    await stillOpen(a2);
    await stillOpen(await connect(0, other)); // another user on the same node
    expect(await nodes[0]?.limited(CloseCode.tooManyConnections)).to.equal(1);

    const b1 = await connect(1, user); // the third in all, on another node
    await stillOpen(b1);
    expect((await refusedWith(await connect(1, user))).code).to.equal(CloseCode.tooManyConnections);
    expect(await redis.zcard(keys.userSockets(user.uid))).to.equal(3);

    a1.close();
    await a1.closed;
    for (let i = 0; i < 100 && (await redis.zcard(keys.userSockets(user.uid))) > 2; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    await stillOpen(await connect(1, user));
  });

  it('closes a socket that sends more frames than allowed with 4029; the user\'s other socket is unaffected', async () => {
    const user = await signUp(api.http);
    const [flooder, calm] = [await connect(0, user), await connect(1, user)];
    for (let i = 0; i < 5; i++) await stillOpen(flooder);
    flooder.socket.send('ping');
    expect(await flooder.closed).to.deep.equal({ code: CloseCode.rateLimited, reason: 'frame rate limited' });
    expect(await nodes[0]?.limited(CloseCode.rateLimited)).to.equal(1);
    await stillOpen(calm);
  });

  it('still relays typing to chat members, and answers typing in a chat the sender is not in with an error', async () => {
    const [a, b] = [await signUp(api.http), await signUp(api.http)];
    const group = await createGroup(api.http, a, [b]);
    const [aWs, bWs] = [await connect(0, a), await connect(1, b)];
    aWs.socket.send(JSON.stringify({ event: 'typing', data: { chat_id: group.chat_id } }));
    expect((await bWs.waitFor((f) => f.event === 'on_typing')).data).to.deep.equal({ chat_id: group.chat_id, uid: a.uid });
    aWs.socket.send(JSON.stringify({ event: 'typing', data: { chat_id: '987654321987' } }));
    expect((await aWs.waitFor((f) => f.event === 'error')).data.code).to.equal('not_allowed');
  });

  it('counts across nodes in Redis so that a crashed node\'s sockets expire instead of staying counted', async () => {
    const uid = randomBytes(16).toString('hex');
    const options = { perNode: 10, total: 3, frameRate: { max: 10, windowSeconds: 10 }, entryTtlMs: 60_000 };
    let clock = Date.now();
    const now = () => clock;
    const crashed = new SocketLimits<object>(redis, keys, { ...options, now });
    const survivor = new SocketLimits<object>(redis, keys, { ...options, now });
    for (let i = 0; i < 3; i++) expect(await crashed.admit({}, uid)).to.equal(true);

    // The node refreshes while it lives: 50 s on, its sockets still count at 70 s.
    clock += 50_000;
    await crashed.refresh();
    clock += 20_000;
    expect(await survivor.admit({}, uid)).to.equal(false);
    // Then it crashes (no more refreshes, no releases): a minute after its last refresh its places are free.
    clock += 41_000;
    const socket = {};
    expect(await survivor.admit(socket, uid)).to.equal(true);
    expect(await redis.zcard(keys.userSockets(uid))).to.equal(1);
    await survivor.release(socket);
    expect(await redis.zcard(keys.userSockets(uid))).to.equal(0);
  });
});
