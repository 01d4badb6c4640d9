import { expect } from 'chai';
import { decideRange } from '../../api/files/byte-range.ts';
import { contentDisposition } from '../../api/files/content-disposition.ts';
import { cleanFileName } from '../../api/files/file-name.ts';

describe('decideRange', () => {
  const size = 1000;
  const partial = (start: number, end: number) => ({ kind: 'partial', range: { start, end } });
  const cases: [string | undefined, unknown][] = [
    [undefined, { kind: 'full' }],
    ['', { kind: 'full' }],
    ['bytes=0-499', partial(0, 499)],
    ['bytes=500-', partial(500, 999)],
    ['bytes=-100', partial(900, 999)],
    ['bytes=-5000', partial(0, 999)],
    ['bytes=990-5000', partial(990, 999)],
    ['BYTES=1-1', partial(1, 1)],
    [' bytes=1-2 ', partial(1, 2)],
    ['bytes=0-1, 5-6', { kind: 'full' }],
    ['bytes=0-1,5000-6000', { kind: 'full' }],
    ['bytes=1000-', { kind: 'unsatisfiable' }],
    ['bytes=5000-6000,7000-', { kind: 'unsatisfiable' }],
    ['bytes=-0', { kind: 'unsatisfiable' }],
    ['bytes=2-1', { kind: 'unsatisfiable' }],
    ['bytes=-', { kind: 'unsatisfiable' }],
    ['bytes=', { kind: 'unsatisfiable' }],
    ['bytes=a-b', { kind: 'unsatisfiable' }],
    ['bytes=1-2,', { kind: 'unsatisfiable' }],
    ['bytes=0x10-', { kind: 'unsatisfiable' }],
    ['bytes=1234567890123456-', { kind: 'unsatisfiable' }],
    ['pages=1-2', { kind: 'unsatisfiable' }],
    ['0-10', { kind: 'unsatisfiable' }],
  ];
  for (const [header, decision] of cases) {
    it(`decides ${JSON.stringify(header)} on 1000 bytes`, () => expect(decideRange(header, size)).to.deep.equal(decision));
  }
  it('finds no satisfiable range in an empty file', () => {
    for (const header of ['bytes=0-', 'bytes=0-0', 'bytes=-1']) expect(decideRange(header, 0)).to.deep.equal({ kind: 'unsatisfiable' });
    expect(decideRange(undefined, 0)).to.deep.equal({ kind: 'full' });
  });
});

describe('contentDisposition', () => {
  it('gives a plain name both ways', () => {
    expect(contentDisposition('inline', 'cat.png')).to.equal(`inline; filename="cat.png"; filename*=UTF-8''cat.png`);
  });
  it('keeps quotes, backslashes, percent signs and non-ASCII out of the quoted fallback', () => {
    expect(contentDisposition('attachment', 'a"b\\c%d é.txt')).to.equal(`attachment; filename="a_b_c_d _.txt"; filename*=UTF-8''a%22b%5Cc%25d%20%C3%A9.txt`);
  });
  it('percent-encodes the RFC 8187 specials that encodeURIComponent leaves alone', () => {
    expect(contentDisposition('attachment', "it's (1)*")).to.contain(`filename*=UTF-8''it%27s%20%281%29%2A`);
  });
  it('never lets a line break or control character through', () => {
    expect(contentDisposition('attachment', 'a\r\nb\u0000')).to.not.match(/[\r\n\u0000]/);
  });
});

describe('cleanFileName', () => {
  const cases: [string | undefined, string][] = [
    [undefined, 'file'],
    ['', 'file'],
    ['report.pdf', 'report.pdf'],
    ['dir/sub/report.pdf', 'report.pdf'],
    ['..\\..\\boot.ini', 'boot.ini'],
    ['../', 'file'],
    ['.hidden', 'hidden'],
    ['name. . ', 'name'],
    ['tab\there', 'tabhere'],
    ['bidi\u202Egnp.exe', 'bidignp.exe'],
    ['e\u0301', 'é'],
    ['😀'.repeat(300), '😀'.repeat(255)],
    ['lone \ud800 surrogate', 'lone \ufffd surrogate'],
  ];
  for (const [given, cleaned] of cases) {
    it(`cleans ${JSON.stringify(given)?.slice(0, 40)}`, () => expect(cleanFileName(given)).to.equal(cleaned));
  }
});
