import { expect } from 'chai';
import { encodeFrame } from '../../shared/contracts/events.ts';
import { toMessageView } from '../../shared/db/repositories/messages.repository.ts';
import { createLogger } from '../../shared/logger.ts';
import { openRealtimeDeps } from '../../realtime/deps.ts';
import { createRealtimeServer } from '../../realtime/server.ts';
import { uws } from '../../realtime/uws.ts';
import { startTestApi, type TestApi } from '../support/api-server.ts';
import { testConfig, testEnv } from '../support/config.ts';
import { waitFor } from '../support/system.ts';
import { signUp } from '../support/users.ts';
import { connectWs, type WsConnection } from '../support/ws-client.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('realtime: a push repeated between processes reaches a socket once', function () {
  this.timeout(60_000);
  let api: TestApi;
  let deps: Awaited<ReturnType<typeof openRealtimeDeps>>;
  let server: ReturnType<typeof createRealtimeServer>;
  let port: number;
  const sockets: WsConnection[] = [];

  before(async () => {
    api = await startTestApi();
    const config = testConfig(testEnv({ REDIS_PREFIX: api.deps.config.redis.prefix }));
    deps = await openRealtimeDeps(config, createLogger(config, 'realtime-test'), { processMetrics: false });
    server = createRealtimeServer(deps);
    port = uws.us_socket_local_port(await server.listen('127.0.0.1', 0));
  });
  after(async () => {
    for (const ws of sockets) ws.close();
    await server.close();
    await deps.close();
    await api.close();
  });

  const connect = async () => {
    const user = await signUp(api.http, { stem: 'rep' });
    const ws = await connectWs(`ws://127.0.0.1:${port}${deps.config.realtime.path}?uid=${user.uid}&token=${user.token}`);
    sockets.push(ws);
    await ws.waitFor((f) => f.event === 'on_ready');
    return { user, ws };
  };
  const message = (id: string, senderUid: string) =>
    encodeFrame('on_message', toMessageView({
      id, chat_id: '4242', seq: '1', sender_uid: senderUid, message: 'hello', message_type: 'text', format: 'plain', client_generated_id: `c-${id}`,
      reply_to_id: null, reply_root_id: null, forwarded_from: null, mentions: [], file: null, remind_at: null, recalled_at: null, edited_at: null, edit_count: 0, created_at: new Date(),
    }));
  const dropped = async (event: string) => (await deps.metrics.registry.getSingleMetric('wetty_realtime_repeats_dropped_total')?.get())?.values.find((v) => v.labels.event === event)?.value ?? 0;

  it('drops the second identical on_message, on_notify and chat change on a user channel; typing passes twice, and a new change passes', async () => {
    const { user, ws } = await connect();
    const channel = deps.keys.userChannel(user.uid);
    const droppedBefore = await dropped('on_message');
    const reaction = (cursor: number) => encodeFrame('on_reaction', { chat_id: '4242', msg_id: '9100001', seq: 1, uid: user.uid, emoji: '👍', action: 'added', reactions: [], cursor });
    const frames = [
      message('9100001', user.uid),
      encodeFrame('on_recall', { chat_id: '4242', msg_id: '9100001', seq: 1, cursor: 2 }),
      encodeFrame('on_notify', { id: '9100002', type: 'mention', created_at: new Date().toISOString() }),
      encodeFrame('on_typing', { chat_id: '4242', uid: user.uid }),
      reaction(1),
    ];
    for (const frame of [...frames, ...frames, reaction(3)]) await deps.redis.publish(channel, frame);
    await waitFor(() => ws.events((f) => f.event === 'on_reaction' && f.data.cursor === 3).length === 1, 5000, 20);
    await sleep(200);
    const count = (event: string) => ws.events((f) => f.event === event).length;
    expect({ on_message: count('on_message'), on_recall: count('on_recall'), on_notify: count('on_notify'), on_typing: count('on_typing'), on_reaction: count('on_reaction') })
      .to.deep.equal({ on_message: 1, on_recall: 1, on_notify: 1, on_typing: 2, on_reaction: 2 });
    expect((await dropped('on_message')) - droppedBefore).to.equal(1);
  });

  it('keeps the memory per channel: the same message on two users\' channels reaches both', async () => {
    const [a, b] = [await connect(), await connect()];
    const frame = message('9100003', a.user.uid);
    for (const { user } of [a, b, a, b]) await deps.redis.publish(deps.keys.userChannel(user.uid), frame);
    await waitFor(() => b.ws.events((f) => f.event === 'on_message').length >= 1, 5000, 20);
    await sleep(200);
    expect([a.ws, b.ws].map((ws) => ws.events((f) => f.event === 'on_message').length)).to.deep.equal([1, 1]);
  });
});
