import { expect } from 'chai';
import fc from 'fast-check';
import { chooseSearchPath } from '../../shared/search/search-path.ts';

describe('message search path', () => {
  it('reads one chat, or a few small ones, message by message whatever the word', () => {
    expect(chooseSearchPath({ chatMessages: 200, wordMatches: 45_000 })).to.equal('chats');
    expect(chooseSearchPath({ chatMessages: 3_000, wordMatches: 98_000 })).to.equal('chats');
  });

  it('reads a rare word from the word index alone over many chats', () => {
    expect(chooseSearchPath({ chatMessages: 40_000, wordMatches: 176 })).to.equal('words');
    expect(chooseSearchPath({ chatMessages: 40_000, wordMatches: 576 })).to.equal('words');
  });

  it('intersects both indexes for a word neither rare nor rare in many chats', () => {
    expect(chooseSearchPath({ chatMessages: 40_000, wordMatches: 98_000 })).to.equal('both');
    expect(chooseSearchPath({ chatMessages: 40_000, wordMatches: 7_500 })).to.equal('both');
  });

  it('moves away from the chats as they grow, and away from the word index as the word grows', () => {
    const size = fc.integer({ min: 0, max: 10_000_000 });
    fc.assert(
      fc.property(size, size, fc.integer({ min: 1, max: 1_000_000 }), (chatMessages, wordMatches, more) => {
        if (chooseSearchPath({ chatMessages, wordMatches }) !== 'chats') expect(chooseSearchPath({ chatMessages: chatMessages + more, wordMatches })).to.not.equal('chats');
        if (chooseSearchPath({ chatMessages, wordMatches }) !== 'words') expect(chooseSearchPath({ chatMessages, wordMatches: wordMatches + more })).to.not.equal('words');
      }),
    );
  });
});
