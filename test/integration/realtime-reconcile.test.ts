import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { removeMember } from '../../api/groups/group-members.service.ts';
import { revokeSession } from '../../api/users/auth.service.ts';
import { openRealtimeDeps } from '../../realtime/deps.ts';
import { createRealtimeServer } from '../../realtime/server.ts';
import { uws } from '../../realtime/uws.ts';
import { authenticateToken, type AuthContext } from '../../shared/auth/authenticate.ts';
import { CloseCode } from '../../shared/contracts/close-codes.ts';
import { createLogger } from '../../shared/logger.ts';
import { startTestApi, type TestApi } from '../support/api-server.ts';
import { createGroup } from '../support/social.ts';
import { freePort, waitFor } from '../support/system.ts';
import { logIn, signUp } from '../support/users.ts';
import { startTestWorkers } from '../support/workers.ts';
import { connectWs, type Frame, type WsConnection } from '../support/ws-client.ts';

/**
 * A kick and a revocation committed while Redis is down: their control events cannot be published,
 * and the relay is held back here, so only the node's own re-check after its subscription returns
 * can stop the kicked member's large-group frames and close the revoked session. Runs on a Redis of
 * its own (a spare port) so that stopping it touches nothing else.
 */
describe('realtime: control events lost while Redis was down (own Redis)', function () {
  this.timeout(90_000);
  let redisPort: number;
  let redisServer: ChildProcess | null = null;
  let api: TestApi;
  let workers: Awaited<ReturnType<typeof startTestWorkers>>;
  let realtime: { close(): Promise<void>; port: number };
  const sockets: WsConnection[] = [];

  const startRedis = async () => {
    redisServer = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    const probe = new Redis({ port: redisPort, lazyConnect: true, retryStrategy: () => 50 });
    probe.on('error', () => undefined);
    await waitFor(async () => (await probe.ping().catch(() => '')) === 'PONG', 10_000);
    probe.disconnect();
  };
  const stopRedis = async () => {
    const child = redisServer;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  };

  before(async () => {
    redisPort = await freePort();
    await startRedis();
    api = await startTestApi({ REDIS_URL: `redis://127.0.0.1:${redisPort}`, OUTBOX_RELAY_AFTER_MS: '600000' });
    workers = await startTestWorkers(api.deps.config);
    const deps = await openRealtimeDeps(api.deps.config, createLogger(api.deps.config, 'realtime-test'), { processMetrics: false });
    const server = createRealtimeServer(deps);
    const port = uws.us_socket_local_port(await server.listen('127.0.0.1', 0));
    realtime = {
      port,
      close: async () => {
        await server.close();
        await deps.close();
      },
    };
  });
  after(async () => {
    for (const ws of sockets) ws.close();
    await realtime?.close();
    await workers?.close();
    await api?.close();
    await stopRedis();
  });

  it('after the subscription returns, a member kicked meanwhile gets no more of the group, and a revoked session is closed', async () => {
    const [owner, member] = [await signUp(api.http, { stem: 'rc' }), await signUp(api.http, { stem: 'rc' })];
    const group = await createGroup(api.http, owner, [member], { category: 'large' });
    const phoneToken = await logIn(api.http, member.username, member.password, 'mobile');
    const url = (uid: string, token: string) => `ws://127.0.0.1:${realtime.port}${api.deps.config.realtime.path}?uid=${uid}&token=${token}`;
    const [ownerWs, memberWs, memberPhone] = [await connectWs(url(owner.uid, owner.token)), await connectWs(url(member.uid, member.token)), await connectWs(url(member.uid, phoneToken))];
    sockets.push(ownerWs, memberWs, memberPhone);
    const ownerAuth = (await authenticateToken(api.deps.db, owner.token)) as AuthContext;
    const phoneAuth = (await authenticateToken(api.deps.db, phoneToken)) as AuthContext;

    await stopRedis();
    const dead = new Redis({ port: redisPort, lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    dead.on('error', () => undefined);
    await removeMember({ ...api.deps, redis: dead }, ownerAuth, group.id, member.uid);
    await revokeSession({ ...api.deps, redis: dead }, phoneAuth, phoneAuth.clientKey);
    dead.disconnect();
    await startRedis();

    // The node's subscription comes back: it tells its sockets to resync, and re-checks them.
    await memberWs.waitFor((f) => f.event === 'on_notify' && f.data.type === 'resync', 20_000);
    expect((await memberPhone.closed).code).to.equal(CloseCode.sessionRevoked);

    let sent: { status: number; body: any } = { status: 0, body: null };
    await waitFor(async () => {
      sent = await api.http.post(`/chats/${group.chat_id}/messages`, {
        token: owner.token,
        json: { client_generated_id: `rc-${randomBytes(6).toString('hex')}`, message_type: 'text', message: 'after the outage' },
      });
      return sent.status === 201;
    }, 20_000, 500);
    const isIt = (f: Frame) => f.event === 'on_message' && f.data.id === sent.body.id;
    await ownerWs.waitFor(isIt, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(memberWs.events(isIt), 'a kicked member receives nothing more of the group').to.have.length(0);
  });
});
