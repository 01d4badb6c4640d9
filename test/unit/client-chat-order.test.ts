import { expect } from 'chai';
import fc from 'fast-check';
import { ChatOrder, type Released } from '../../client/src/delivery/chat-order.ts';
import type { Message } from '../../client/src/index.ts';

const message = (seq: number, chatId = 'c1'): Message =>
  ({ id: `m${seq}`, chat_id: chatId, seq, sender_uid: 'u'.repeat(32), message: `#${seq}`, message_type: 'text', format: 'plain', client_generated_id: `g${seq}`,
    reply_to_id: null, reply_root_id: null, forwarded_from: null, mentions: [], reactions: [], file: null, remind_at: null, recalled: false, created_at: new Date(0).toISOString(), edited_at: null, edit_count: 0 }) as Message;
const seqsOf = (released: Array<Released<{ seq: number; tag?: string }>>) => released.map((r) => (r.message ? r.message.seq : `e${r.event.seq}`));

describe('client SDK: the per-chat ordering buffer', () => {
  it('delivers in order, holding out-of-order messages until the gap closes', () => {
    const order = new ChatOrder(0);
    expect(seqsOf(order.push(message(1)))).to.deep.equal([1]);
    expect(seqsOf(order.push(message(3)))).to.deep.equal([]);
    expect(order.hasGap).to.equal(true);
    expect(order.firstBuffered).to.equal(3);
    expect(seqsOf(order.push(message(4)))).to.deep.equal([]);
    expect(seqsOf(order.push(message(2)))).to.deep.equal([2, 3, 4]);
    expect(order.delivered).to.equal(4);
    expect(order.hasGap).to.equal(false);
  });

  it('drops duplicates, at or below the position and in the buffer', () => {
    const order = new ChatOrder(0);
    order.push(message(1));
    expect(seqsOf(order.push(message(1)))).to.deep.equal([]);
    order.push(message(3));
    order.push(message(3));
    expect(seqsOf(order.push(message(2)))).to.deep.equal([2, 3]);
  });

  it('holds everything while the position is unknown; a seed releases what follows it and drops the rest', () => {
    const order = new ChatOrder();
    expect(seqsOf(order.push(message(5)))).to.deep.equal([]);
    expect(seqsOf(order.push(message(7)))).to.deep.equal([]);
    expect(order.hasGap).to.equal(true);
    expect(seqsOf(order.seed(6))).to.deep.equal([7]);
    expect(seqsOf(order.seed(2)), 'a second seed changes nothing').to.deep.equal([]);
    expect(order.delivered).to.equal(7);
  });

  it('delivers an event about a message after that message, never before', () => {
    const order = new ChatOrder<{ seq: number }>(0);
    order.push(message(1));
    expect(seqsOf(order.pushEvent({ seq: 1 }))).to.deep.equal(['e1']);
    expect(seqsOf(order.pushEvent({ seq: 3 }))).to.deep.equal([]);
    order.push(message(3));
    expect(seqsOf(order.push(message(2)))).to.deep.equal([2, 3, 'e3']);
  });

  it('skipping a gap delivers from the first held message and reports where the gap began', () => {
    const order = new ChatOrder(2);
    order.push(message(6));
    order.push(message(7));
    const { from, released } = order.skipGap();
    expect(from).to.equal(2);
    expect(seqsOf(released)).to.deep.equal([6, 7]);
    expect(seqsOf(order.push(message(4))), 'a late message from the skipped gap is not delivered out of order').to.deep.equal([]);
  });

  it('any arrival order with duplicates yields 1..n exactly once, in order', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }).chain((n) => fc.tuple(fc.constant(n), fc.shuffledSubarray([...Array(n).keys()].map((i) => i + 1), { minLength: n, maxLength: n }), fc.array(fc.integer({ min: 1, max: n }), { maxLength: 20 }))),
        ([n, arrival, repeats]) => {
          const order = new ChatOrder(0);
          const out: number[] = [];
          const feed = [...arrival];
          for (const r of repeats) feed.splice(Math.floor(feed.length / 2), 0, r);
          for (const seq of feed) for (const r of order.push(message(seq))) if (r.message) out.push(r.message.seq);
          expect(out).to.deep.equal([...Array(n).keys()].map((i) => i + 1));
        },
      ),
    );
  });
});
