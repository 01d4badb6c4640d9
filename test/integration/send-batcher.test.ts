import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { SendBatcher } from '../../api/chats/send-batcher.ts';
import { SendReplyListener } from '../../api/chats/send-replies.ts';
import { createLogger } from '../../shared/logger.ts';
import { sendBatchJob, type JobData } from '../../shared/queues/contracts.ts';
import { createQueues, type Queues } from '../../shared/queues/producer.ts';
import { startPrivateRedis, type PrivateRedis } from '../support/private-redis.ts';
import { textSendRequest } from '../support/send-requests.ts';
import { waitFor } from '../support/system.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The api's send batches, enqueued on a Redis of the test's own that the test can stall (DEBUG SLEEP),
 * as a loaded Redis is slow: sends arriving while a batch is still being enqueued wait for it and go
 * together, however far apart they came, instead of one job per batch window.
 */
describe('send batcher: batches grow while an enqueue is on its way', function () {
  this.timeout(20_000);
  let server: PrivateRedis;
  let connection: Redis;
  let subscriber: Redis;
  let queues: Queues;
  let batcher: SendBatcher;
  const request = (message: string) => textSendRequest({ sender_uid: 'a'.repeat(32), client_key: 'b'.repeat(16), chat_id: '42', message });
  const queuedBatches = async () =>
    (await queues[sendBatchJob.queue].getJobs(['waiting']))
      .sort((x, y) => Number(x.id) - Number(y.id))
      .map((job) => (job.data as JobData<typeof sendBatchJob>).sends.map((s) => s.message));

  before(async () => {
    server = await startPrivateRedis(['--enable-debug-command', 'local']);
    connection = new Redis(server.url, { maxRetriesPerRequest: null });
    queues = createQueues(connection, { redisPrefix: 'batcher-test', cluster: false, partitions: 1 });
    subscriber = new Redis(server.url);
    const replies = await SendReplyListener.open(subscriber, `replies-${randomBytes(4).toString('hex')}`, createLogger({ logLevel: 'silent' }, 'test'));
    batcher = new SendBatcher(queues, replies, { maxItems: 64, maxWaitMs: 2, replyWaitMs: 100 });
  });
  after(async () => {
    await Promise.all(Object.values(queues).flatMap((q) => (q ? [q.close()] : [])));
    await Promise.all([connection.quit(), subscriber.quit()]);
    await server.stop();
  });

  it('a send alone goes after the window; sends 20 ms apart while Redis stalls its enqueue go as one job, not five', async () => {
    const first = batcher.send(request('first'));
    await waitFor(async () => (await queuedBatches()).length === 1, 5000, 5);
    expect(await queuedBatches()).to.deep.equal([['first']]);

    const stalled = new Redis(server.url);
    await stalled.ping();
    const stall = stalled.call('DEBUG', 'SLEEP', '0.4');
    await sleep(10);
    const second = batcher.send(request('second'));
    await sleep(20);
    // Enqueued while Redis sleeps: this batch's enqueue is on its way when the next sends come.
    const later = [];
    for (const text of ['third', 'fourth', 'fifth', 'sixth', 'seventh']) {
      later.push(batcher.send(request(text)));
      await sleep(20);
    }
    await stall;
    stalled.disconnect();
    await Promise.all([first, second, ...later]);
    expect(await queuedBatches()).to.deep.equal([['first'], ['second'], ['third', 'fourth', 'fifth', 'sixth', 'seventh']]);
  });
});
