import { expect } from 'chai';
import { ChangeFeed } from '../../client/src/delivery/change-feed.ts';
import type { ChatChange } from '../../client/src/protocol/frames.ts';

const uid = 'a'.repeat(32);
const pin = (cursor: number, chatId = 'c1'): ChatChange => ({ kind: 'pin', cursor, data: { chat_id: chatId, msg_id: `m${cursor}`, pinned: true, by_uid: uid, at: new Date(0).toISOString(), cursor } });

describe('client SDK: the change feed cursor', () => {
  function feed(server: ChatChange[] = []) {
    const applied: number[] = [];
    const asked: number[] = [];
    const changes = new ChangeFeed(
      {
        fetchSince: async (_chatId, since, max) => {
          asked.push(since);
          const page = server.filter((c) => c.cursor > since).slice(0, max);
          return { changes: page, has_more: server.filter((c) => c.cursor > since).length > max, cursor: page.at(-1)?.cursor ?? since } as never;
        },
        apply: (change) => applied.push(change.cursor),
      },
      { pageSize: 2, gapTimeoutMs: 20, maxFailures: 3 },
    );
    return { changes, applied, asked };
  }
  const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('applies frames in order and drops duplicates', () => {
    const { changes, applied } = feed();
    changes.seed('c1', 0);
    for (const cursor of [1, 2, 2, 1, 3]) changes.onFrame(pin(cursor));
    expect(applied).to.deep.equal([1, 2, 3]);
    expect(changes.cursor('c1')).to.equal(3);
  });

  it('holds a frame past a gap, then fills the gap from the server in pages', async () => {
    const server = [1, 2, 3, 4, 5].map((c) => pin(c));
    const { changes, applied, asked } = feed(server);
    changes.seed('c1', 0);
    changes.onFrame(pin(5));
    expect(applied).to.deep.equal([]);
    await tick(60);
    expect(applied).to.deep.equal([1, 2, 3, 4, 5]);
    expect(asked).to.deep.equal([0, 2, 4]);
  });

  it('a frame that arrives late closes the gap without a fill', async () => {
    const { changes, applied, asked } = feed();
    changes.seed('c1', 0);
    changes.onFrame(pin(2));
    changes.onFrame(pin(1));
    await tick(40);
    expect(applied).to.deep.equal([1, 2]);
    expect(asked).to.deep.equal([]);
  });

  it('on catch-up, seeds unknown chats and fills the ones whose cursor moved', async () => {
    const server = [1, 2, 3].map((c) => pin(c));
    const { changes, applied } = feed(server);
    changes.catchUp([{ chat_id: 'c1', change_cursor: 1 }]);
    expect(changes.cursor('c1')).to.equal(1);
    changes.catchUp([{ chat_id: 'c1', change_cursor: 3 }]);
    await tick(20);
    expect(applied).to.deep.equal([2, 3]);
  });
});
