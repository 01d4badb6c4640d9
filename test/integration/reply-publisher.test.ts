import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { SendReplies } from '../../shared/contracts/send-replies.ts';
import { ReplyPublisher } from '../../workers/send/reply-publisher.ts';
import { testConfig } from '../support/config.ts';
import { waitFor } from '../support/system.ts';

/** The worker's answers to api processes, on a real Redis: the replies of one turn, of any job, in one round trip. */
describe('reply publisher: the answers of one turn published together', () => {
  const url = testConfig().redis.url;
  let redis: Redis;
  let listener: Redis;
  let pipelines = 0;
  const heard: { channel: string; replies: SendReplies }[] = [];
  const channels = [`test-replies:${randomBytes(4).toString('hex')}`, `test-replies:${randomBytes(4).toString('hex')}`] as const;
  const refused = (ref: number) => ({ ref, outcome: { kind: 'refused' as const, refusal: { status: 403 as const, code: 'not_member', message: 'no' } } });

  before(async () => {
    redis = new Redis(url);
    // Counts the round trips the publisher makes (each a pipeline of PUBLISHes).
    const pipeline = redis.pipeline.bind(redis);
    redis.pipeline = ((...args: Parameters<typeof pipeline>) => {
      pipelines++;
      return pipeline(...args);
    }) as typeof redis.pipeline;
    listener = new Redis(url);
    listener.on('message', (channel: string, message: string) => heard.push({ channel, replies: SendReplies.parse(JSON.parse(message)) }));
    await listener.subscribe(...channels);
  });
  after(async () => {
    await listener.quit();
    await redis.quit();
  });

  it('replies of two jobs on two channels added in one turn: one round trip, one message per job, each reply where it belongs', async () => {
    const publisher = new ReplyPublisher(redis);
    const before = pipelines;
    await Promise.all([
      publisher.add(channels[0], 'job-a', refused(0)),
      publisher.add(channels[1], 'job-b', refused(0)),
      publisher.add(channels[0], 'job-a', refused(1)),
      publisher.add(channels[0], 'job-c', refused(7)),
    ]);
    expect(pipelines - before).to.equal(1);
    await waitFor(() => heard.length === 3, 5000);
    const byJob = Object.fromEntries(heard.map((h) => [h.replies.job_id, { channel: h.channel, refs: h.replies.replies.map((r) => r.ref) }]));
    expect(byJob).to.deep.equal({
      'job-a': { channel: channels[0], refs: [0, 1] },
      'job-b': { channel: channels[1], refs: [0] },
      'job-c': { channel: channels[0], refs: [7] },
    });

    // A later turn is a round trip of its own.
    heard.length = 0;
    await publisher.add(channels[1], 'job-a', refused(2));
    expect(pipelines - before).to.equal(2);
    await waitFor(() => heard.length === 1, 5000);
  });

  it('a failed publish rejects every reply of that turn, and the next turn publishes again', async () => {
    const closed = new Redis(url, { lazyConnect: true, enableOfflineQueue: false });
    const publisher = new ReplyPublisher(closed);
    const outcomes = await Promise.allSettled([publisher.add(channels[0], 'job-x', refused(0)), publisher.add(channels[1], 'job-y', refused(0))]);
    expect(outcomes.map((o) => o.status)).to.deep.equal(['rejected', 'rejected']);
    closed.disconnect();
    heard.length = 0;
    const working = new ReplyPublisher(redis);
    await working.add(channels[0], 'job-z', refused(3));
    await waitFor(() => heard.length === 1, 5000);
    expect(heard[0]?.replies.job_id).to.equal('job-z');
  });
});
