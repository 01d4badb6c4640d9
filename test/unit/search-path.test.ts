import { expect } from 'chai';
import fc from 'fast-check';
import { chooseSearchPath, CHATS_PATH_ALWAYS_MAX } from '../../shared/search/search-path.ts';

describe('message search path', () => {
  it('reads one chat, or a few small ones, message by message whatever the word', () => {
    expect(chooseSearchPath({ chatMessages: 200 })).to.equal('chats');
    expect(chooseSearchPath({ chatMessages: CHATS_PATH_ALWAYS_MAX })).to.equal('chats');
  });

  it('over more messages, lets PostgreSQL pick the index per partition', () => {
    expect(chooseSearchPath({ chatMessages: CHATS_PATH_ALWAYS_MAX + 1 })).to.equal('both');
    expect(chooseSearchPath({ chatMessages: 40_000 })).to.equal('both');
  });

  it('moves away from the chats as they grow, never to the word index alone', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 1, max: 1_000_000 }), (chatMessages, more) => {
        expect(chooseSearchPath({ chatMessages })).to.not.equal('words');
        if (chooseSearchPath({ chatMessages }) !== 'chats') expect(chooseSearchPath({ chatMessages: chatMessages + more })).to.not.equal('chats');
      }),
    );
  });
});
