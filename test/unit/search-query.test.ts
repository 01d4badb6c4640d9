import { expect } from 'chai';
import fc from 'fast-check';
import { findHighlights, parseSearchQuery, SearchSyntaxError, substringPattern } from '../../api/chats/search-query.ts';

describe('message search query syntax', () => {
  it('reads words, "quoted phrases", -excluded terms and unspaced scripts', () => {
    expect(parseSearchQuery('  deploy "failed  build" -noon -"lunch break" 北京 -東京 ')).to.deep.equal([
      { text: 'deploy', mode: 'words', phrase: false, prefix: true, exclude: false },
      { text: 'failed build', mode: 'words', phrase: true, prefix: false, exclude: false },
      { text: 'noon', mode: 'words', phrase: false, prefix: true, exclude: true },
      { text: 'lunch break', mode: 'words', phrase: true, prefix: false, exclude: true },
      { text: '北京', mode: 'substring', phrase: false, prefix: false, exclude: false },
      { text: '東京', mode: 'substring', phrase: false, prefix: false, exclude: true },
    ]);
  });

  it('ignores terms without letters or digits, and takes a lone - as one', () => {
    expect(parseSearchQuery('hello :) - ""').map((t) => t.text)).to.deep.equal(['hello']);
    expect(parseSearchQuery('C++ 3.14').map((t) => t.text)).to.deep.equal(['C++', '3.14']);
  });

  it('refuses what it cannot read', () => {
    for (const q of ['"open', 'a"b', '"a"b', '-x', '-"a b"', ':)', '', ' ', Array.from({ length: 13 }, (_, i) => `w${i}`).join(' ')]) {
      expect(() => parseSearchQuery(q), q).to.throw(SearchSyntaxError);
    }
  });

  it('escapes LIKE wildcards in substrings', () => {
    expect(substringPattern('50%_off\\')).to.equal('%50\\%\\_off\\\\%');
  });

  it('highlights whole words by prefix, phrases as one span, substrings anywhere; merged and sorted', () => {
    const text = 'Deployed! the deployment failed; 北京北京 redeploy';
    const marks = (q: string) => findHighlights(text, parseSearchQuery(q)).map((h) => text.slice(h.start, h.end));
    expect(marks('deploy')).to.deep.equal(['Deployed', 'deployment']);
    expect(marks('the')).to.deep.equal(['the']);
    expect(marks('de')).to.deep.equal([]);
    expect(marks('"deployment failed"')).to.deep.equal(['deployment failed']);
    expect(marks('"deployment fail"')).to.deep.equal([]);
    expect(marks('北京 -redeploy')).to.deep.equal(['北京北京']);
  });

  it('only ever throws SearchSyntaxError, and highlights stay inside the text (fuzzed)', () => {
    const unit = fc.constantFrom('a', 'É', '北', '"', '-', ' ', '\\', '%', '(', '*', '💥', '\u0301', '\n');
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 60 }), fc.string({ unit, maxLength: 60 }), (q, text) => {
        let terms;
        try {
          terms = parseSearchQuery(q);
        } catch (err) {
          expect(err).to.be.instanceOf(SearchSyntaxError);
          return;
        }
        let end = 0;
        for (const h of findHighlights(text, terms)) {
          expect(h.start).to.be.at.least(end);
          expect(h.end).to.be.above(h.start).and.at.most(text.length);
          end = h.end;
        }
      }),
      { numRuns: 2000, seed: 7 },
    );
  });
});
