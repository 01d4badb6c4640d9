import { expect } from 'chai';
import { Redis } from 'ioredis';
import { CloseCode } from '../../shared/contracts/close-codes.ts';
import { createLogger } from '../../shared/logger.ts';
import { openRealtimeDeps } from '../../realtime/deps.ts';
import { createRealtimeServer } from '../../realtime/server.ts';
import { Subscriptions } from '../../realtime/subscriptions.ts';
import { uws } from '../../realtime/uws.ts';
import { startTestApi, type TestApi } from '../support/api-server.ts';
import { testConfig, testEnv } from '../support/config.ts';
import { startOwnRedis, type OwnRedis } from '../support/redis-server.ts';
import { waitFor } from '../support/system.ts';
import { signUp } from '../support/users.ts';
import { connectWs } from '../support/ws-client.ts';

describe('realtime: dependency failures', function () {
  this.timeout(60_000);

  describe('a subscribe that fails', () => {
    let redis: OwnRedis;
    let admin: Redis;
    let subscriber: Redis;
    before(async () => {
      redis = await startOwnRedis();
      admin = new Redis(redis.url);
      // A user allowed on `open:*` channels only, so subscribing elsewhere fails (NOPERM) for real.
      await admin.call('ACL', 'SETUSER', 'node', 'on', '>node-password', '~*', '+@all', 'resetchannels', '&open:*');
      subscriber = new Redis(redis.url, { username: 'node', password: 'node-password', maxRetriesPerRequest: null });
    });
    after(async () => {
      subscriber.disconnect();
      admin.disconnect();
      await redis.destroy();
    });

    it('is retried until it succeeds, then the channel delivers and clients are told to resync', async () => {
      const received: string[] = [];
      let resyncs = 0;
      const config = testConfig();
      const subscriptions = new Subscriptions(subscriber, createLogger(config, 'realtime-test'), (_channel, message) => received.push(message), () => resyncs++, 100);
      try {
        await subscriptions.add('open:a');
        await subscriptions.add('closed:b');
        await admin.publish('open:a', 'first');
        await waitFor(() => received.includes('first'), 5000);
        expect(await admin.publish('closed:b', 'lost'), 'not subscribed yet').to.equal(0);

        await admin.call('ACL', 'SETUSER', 'node', '&closed:*');
        await waitFor(async () => (await admin.publish('closed:b', 'second')) === 1, 10_000, 100);
        await waitFor(() => received.includes('second'), 5000);
        expect(resyncs).to.equal(1);
      } finally {
        subscriptions.stop();
      }
    });
  });

  describe('a control event that cannot be acted on', () => {
    let api: TestApi;
    before(async () => {
      api = await startTestApi();
    });
    after(() => api.close());

    it('closes the user\'s sockets with 1013 instead of leaving a stale permission (or an unhandled rejection)', async () => {
      const user = await signUp(api.http, { stem: 'ctl' });
      const env = testEnv({ REDIS_PREFIX: api.deps.config.redis.prefix });
      const config = testConfig(env);
      const deps = await openRealtimeDeps(config, createLogger(config, 'realtime-test'), { processMetrics: false });
      const server = createRealtimeServer(deps);
      try {
        const port = uws.us_socket_local_port(await server.listen('127.0.0.1', 0));
        const ws = await connectWs(`ws://127.0.0.1:${port}${config.realtime.path}?uid=${user.uid}&token=${user.token}`);
        await ws.waitFor((f) => f.event === 'on_ready');
        // PostgreSQL goes away for this node: the membership event needs the chat's facts from it.
        await deps.db.destroy();
        await deps.redis.publish(deps.keys.userChannel(user.uid), JSON.stringify({ event: '_membership', data: { chat_id: '987654321987', member: true } }));
        expect(await ws.closed).to.deep.equal({ code: CloseCode.tryAgainLater, reason: 'try again later' });
      } finally {
        await server.close();
        await deps.close();
      }
    });
  });
});
