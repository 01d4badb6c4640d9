import { expect } from 'chai';
import { loadConfig } from '../../shared/config.ts';
import { parseLsn } from '../../shared/db/read-routing.ts';
import { QUEUE_NAMES } from '../../shared/queues/contracts.ts';
import { bullPrefix, partitionOf, physicalQueues, queueLayout, queueNameFor } from '../../shared/queues/layout.ts';
import { redisKeys } from '../../shared/redis/keys.ts';
import { slotText } from '../../shared/redis/slots.ts';

describe('scale-out layout: queues, hash tags, WAL positions', () => {
  it('a single node keeps one queue per contract queue under <prefix>:bull', () => {
    const layout = queueLayout(loadConfig({}).redis);
    expect(physicalQueues(layout).map((q) => q.name)).to.deep.equal([...QUEUE_NAMES]);
    expect(new Set(physicalQueues(layout).map((q) => q.prefix))).to.deep.equal(new Set(['wetty:bull']));
    expect(queueNameFor(layout, 'messages', { chat_id: '42' })).to.equal('messages');
  });

  it('a cluster splits the message queues into partitions, each queue under a hash tag of its own', () => {
    const config = loadConfig({ REDIS_CLUSTER_NODES: '127.0.0.1:7000,127.0.0.1:7001', MESSAGE_QUEUE_PARTITIONS: '4' });
    expect(config.redis.clusterNodes).to.deep.equal([{ host: '127.0.0.1', port: 7000 }, { host: '127.0.0.1', port: 7001 }]);
    const layout = queueLayout(config.redis);
    const queues = physicalQueues(layout);
    expect(queues.filter((q) => q.queue === 'messages').map((q) => q.name)).to.deep.equal(['messages', 'messages-1', 'messages-2', 'messages-3']);
    expect(queues.filter((q) => q.queue === 'message-actions').map((q) => q.name)).to.deep.equal(['message-actions', 'message-actions-1', 'message-actions-2', 'message-actions-3']);
    expect(queues.filter((q) => q.queue !== 'messages' && q.queue !== 'message-actions')).to.have.length(QUEUE_NAMES.length - 2);
    for (const q of queues) expect(slotText(`${q.prefix}:${q.name}:wait`)).to.equal(q.name);
    expect(bullPrefix(layout, 'messages-2')).to.equal('wetty:bull:{messages-2}');
  });

  it('one chat always goes to one partition, and chats spread over all of them', () => {
    const layout = queueLayout(loadConfig({ MESSAGE_QUEUE_PARTITIONS: '4' }).redis);
    const counts = new Map<string, number>();
    for (let chat = 1; chat <= 4000; chat++) {
      const name = queueNameFor(layout, 'messages', { chat_id: String(chat), message: 'x' });
      expect(queueNameFor(layout, 'messages', { chat_id: String(chat), message: 'y' })).to.equal(name);
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).to.deep.equal(['messages', 'messages-1', 'messages-2', 'messages-3']);
    for (const n of counts.values()) expect(n).to.be.within(800, 1200);
    expect(partitionOf('anything', 1)).to.equal(0);
    // Queues that are not partitioned ignore the chat.
    expect(queueNameFor(layout, 'timers', { chat_id: '7' })).to.equal('timers');
  });

  it('keys used together share a hash tag; channels and unrelated keys do not', () => {
    const keys = redisKeys('wetty');
    const fact = keys.chatFacts('9');
    expect(slotText(`${fact}:gen`)).to.equal(slotText(fact));
    expect(slotText(keys.presence('u1'))).to.equal(slotText(keys.presenceExpiry));
    expect(slotText(keys.pairFacts('b', 'a'))).to.equal(slotText(`${keys.pairFacts('a', 'b')}:gen`));
    expect(slotText(keys.userChannel('u1'))).not.to.equal(slotText(keys.userChannel('u2')));
    expect(slotText('a{}b')).to.equal('a{}b');
  });

  it('reads WAL positions as ordered numbers', () => {
    expect(parseLsn('0/16B3748') < parseLsn('0/16B3750')).to.equal(true);
    expect(parseLsn('1/0') > parseLsn('0/FFFFFFFF')).to.equal(true);
    expect(parseLsn(null)).to.equal(0n);
    expect(() => parseLsn('garbage')).to.throw();
  });
});
