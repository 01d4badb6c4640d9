import { expect } from 'chai';
import { Redis } from 'ioredis';
import { redisKeys } from '../../shared/redis/keys.ts';
import { startTestApi, type TestApi } from '../support/api-server.ts';
import { testEnv } from '../support/config.ts';
import { befriend } from '../support/social.ts';
import { freePort, spawnRole, waitFor, type RunningRole } from '../support/system.ts';
import { signUp, type TestUser } from '../support/users.ts';
import { connectWs, type Frame, type WsConnection } from '../support/ws-client.ts';

/**
 * Presence expires rather than counts: two realtime nodes as real processes on ports of their own,
 * a short presence TTL, and a node that crashes.
 */
describe('presence (real realtime processes)', function () {
  this.timeout(180_000);
  const env = testEnv({ WS_PRESENCE_TTL_SECONDS: '2', LOG_LEVEL: 'warn' });
  const keys = redisKeys(env.REDIS_PREFIX as string);
  let api: TestApi;
  let redis: Redis;
  const nodes: { role: RunningRole; wsUrl: string }[] = [];
  const sockets: WsConnection[] = [];
  let a: TestUser;
  let b: TestUser;

  const startNode = async () => {
    const nodeEnv = { ...env, WS_PORT: String(await freePort()), REALTIME_OPS_PORT: String(await freePort()) };
    const role = await spawnRole('realtime/main.ts', nodeEnv, `http://127.0.0.1:${nodeEnv.REALTIME_OPS_PORT}/readyz`, 90_000);
    return { role, wsUrl: `ws://127.0.0.1:${nodeEnv.WS_PORT}/ws/chats` };
  };
  const connect = async (node: number, user: TestUser) => {
    const ws = await connectWs(`${nodes[node]?.wsUrl}?uid=${user.uid}&token=${user.token}`);
    sockets.push(ws);
    return ws;
  };
  const presenceOf = (uid: string) => (f: Frame) => f.event === 'on_presence' && f.data.uid === uid;

  before(async () => {
    api = await startTestApi(env);
    redis = new Redis(env.REDIS_URL as string);
    nodes.push(...(await Promise.all([startNode(), startNode()])));
    a = await signUp(api.http, { stem: 'presence' });
    b = await signUp(api.http, { stem: 'presence' });
    await befriend(api.http, a, b);
  });
  after(async () => {
    for (const ws of sockets) ws.close();
    for (const { role } of nodes) if (role.process.exitCode === null) role.process.kill('SIGTERM');
    await Promise.all(nodes.map(({ role }) => role.exited));
    redis.disconnect();
    await api.close();
  });

  it('a socket closing while it is being set up leaves no one online', async () => {
    const watcher = await connect(1, b);
    // Open and drop sockets at every moment of their setup.
    for (let i = 0; i < 30; i++) {
      const ws = await connectWs(`${nodes[0]?.wsUrl}?uid=${a.uid}&token=${a.token}`).catch(() => null);
      ws?.close();
      await new Promise((resolve) => setTimeout(resolve, i % 7));
    }
    const { WebSocket } = await import('ws');
    for (let i = 0; i < 30; i++) {
      const raw = new WebSocket(`${nodes[0]?.wsUrl}?uid=${a.uid}&token=${a.token}`);
      raw.on('error', () => undefined);
      setTimeout(() => raw.terminate(), i % 10);
    }
    await waitFor(async () => (await redis.exists(keys.presence(a.uid))) === 0, 10_000, 100);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await redis.exists(keys.presence(a.uid)), 'no presence left behind').to.equal(0);
    const last = watcher.events(presenceOf(a.uid)).at(-1);
    expect(last?.data.status, 'the last word b heard is offline').to.equal('offline');
    watcher.close();
  });

  it('the users of a node that crashes go offline by themselves', async () => {
    const watcher = await connect(1, b);
    const ws = await connect(0, a);
    expect(ws.socket.readyState).to.equal(ws.socket.OPEN);
    await watcher.waitFor((f) => presenceOf(a.uid)(f) && f.data.status === 'online', 10_000);
    const crashed = nodes[0]?.role;
    crashed?.process.kill('SIGKILL');
    await crashed?.exited;
    const offline = await watcher.waitFor((f) => presenceOf(a.uid)(f) && f.data.status === 'offline', 20_000);
    expect(offline.data.uid).to.equal(a.uid);
    expect(await redis.exists(keys.presence(a.uid))).to.equal(0);
  });
});
