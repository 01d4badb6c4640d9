import { expect } from 'chai';
import { Redis } from 'ioredis';
import { reactJob } from '../../shared/queues/contracts.ts';
import { closeQueues, createQueues, enqueueBulk, queueFor, type Queues } from '../../shared/queues/producer.ts';
import { deleteKeysWithPrefix } from '../../shared/redis/delete-prefix.ts';
import { testConfig, uniquePrefix } from '../support/config.ts';

/** Jobs of a partitioned queue go to their chat's partition, one by one or in bulk (real Redis). */
describe('message queue partitions', () => {
  const prefix = uniquePrefix();
  let redis: Redis;
  let queues: Queues;
  before(() => {
    redis = new Redis(testConfig().redis.url, { maxRetriesPerRequest: null });
    queues = createQueues(redis, { redisPrefix: prefix, cluster: false, partitions: 4 });
  });
  after(async () => {
    await closeQueues(queues);
    await deleteKeysWithPrefix(redis, prefix);
    await redis.quit();
  });

  it('adds jobs in bulk to the partition of their chat, so one chat\'s jobs stay in one queue', async () => {
    const jobs = Array.from({ length: 40 }, (_, i) => ({
      data: { uid: 'a'.repeat(32), chat_id: String(1000 + (i % 20)), msg_id: String(i + 1), emoji: '👍', action: 'add' as const },
      options: { jobId: `bulk-react-${i}` },
    }));
    await enqueueBulk(queues, reactJob, jobs);
    const used = new Set<string>();
    for (const job of jobs) {
      const queue = queueFor(queues, reactJob, job.data);
      used.add(queue.name);
      expect(await queue.getJob(job.options.jobId), `${job.options.jobId} in ${queue.name}`).to.not.equal(undefined);
    }
    expect(used.size, 'the chats spread over the partitions').to.be.greaterThan(1);
  });
});
