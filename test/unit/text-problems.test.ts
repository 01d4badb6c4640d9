import { expect } from 'chai';
import { findTextProblems } from '../../shared/validation/text.ts';

const NUL = 'must not contain NUL (U+0000)';
const LONE = 'must not contain a lone UTF-16 surrogate';

describe('findTextProblems: text no field may hold, named by its path', () => {
  it('finds nothing in clean input of any shape, emoji and other pairs of surrogates included', () => {
    expect(findTextProblems({ message: '👋🏽 hi', user_ids: ['a', 'b'], nested: { deep: [{ x: '𝄞' }] }, n: 3, none: null })).to.deep.equal([]);
    expect(findTextProblems('plain')).to.deep.equal([]);
    expect(findTextProblems(undefined)).to.deep.equal([]);
  });

  it('names each bad value by its path (array indexes too), and a bad key as (key), with the prefix first', () => {
    const body = { message: 'a\u0000b', user_ids: ['ok', 'x\uD800'], nested: { list: [{ ['k\u0000']: 'v' }] } };
    expect(findTextProblems(body)).to.deep.equal([
      { field: 'message', message: NUL },
      { field: 'user_ids.1', message: LONE },
      { field: 'nested.list.0.(key)', message: NUL },
    ]);
    expect(findTextProblems(['\uDC00'], ['query'])).to.deep.equal([{ field: 'query.0', message: LONE }]);
    expect(findTextProblems('\u0000')).to.deep.equal([{ field: '(body)', message: NUL }]);
  });

  it('lists at most `max` problems, and does not walk past the nesting limit', () => {
    expect(findTextProblems(Array.from({ length: 50 }, () => '\u0000'), [], 20)).to.have.length(20);
    let deep: unknown = '\u0000';
    for (let i = 0; i < 100; i++) deep = [deep];
    expect(findTextProblems(deep)).to.deep.equal([]);
    let shallow: unknown = '\u0000';
    for (let i = 0; i < 10; i++) shallow = { a: shallow };
    expect(findTextProblems(shallow)).to.deep.equal([{ field: Array(10).fill('a').join('.'), message: NUL }]);
  });
});
