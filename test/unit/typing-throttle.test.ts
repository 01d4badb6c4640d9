import { expect } from 'chai';
import { TYPING_CHATS_PER_SOCKET, TYPING_CHECKS_IN_FLIGHT, TypingThrottle } from '../../realtime/typing-throttle.ts';

describe('typing throttle', () => {
  it('relays one frame per chat per interval, and again after it', () => {
    const throttle = new TypingThrottle<object>(2000);
    const ws = {};
    expect(throttle.begin(ws, '1', 0)).to.equal(true);
    throttle.done(ws);
    expect(throttle.begin(ws, '1', 1999)).to.equal(false);
    expect(throttle.begin(ws, '2', 1999)).to.equal(true);
    throttle.done(ws);
    expect(throttle.begin(ws, '1', 2000)).to.equal(true);
  });

  it('keeps a bounded number of chats per socket whatever ids a client sends', () => {
    const throttle = new TypingThrottle<object>(2000);
    const [flooder, other] = [{}, {}];
    for (let i = 0; i < 20_000; i++) {
      expect(throttle.begin(flooder, String(1_000_000 + i), i)).to.equal(true);
      throttle.done(flooder);
    }
    expect(throttle.size(flooder)).to.equal(TYPING_CHATS_PER_SOCKET);
    expect(throttle.begin(other, '1', 0)).to.equal(true);
    expect(throttle.size(other)).to.equal(1);
  });

  it('drops frames while a socket has the most checks in flight', () => {
    const throttle = new TypingThrottle<object>(2000);
    const ws = {};
    for (let i = 0; i < TYPING_CHECKS_IN_FLIGHT; i++) expect(throttle.begin(ws, `chat${i}`, 0)).to.equal(true);
    expect(throttle.begin(ws, 'another', 0)).to.equal(false);
    throttle.done(ws);
    expect(throttle.begin(ws, 'another', 0)).to.equal(true);
  });
});
