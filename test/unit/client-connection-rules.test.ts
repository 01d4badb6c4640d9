import { expect } from 'chai';
import { fullJitterDelay } from '../../client/src/connection/backoff.ts';
import { CloseCode, closeActionOf, closeActions } from '../../client/src/index.ts';
import { CloseCode as ServerCloseCode } from '../../shared/contracts/close-codes.ts';

describe('client SDK: backoff and the close-code table', () => {
  it('full jitter: uniform in [0, min(max, base·2^attempt))', () => {
    expect(fullJitterDelay(0, 500, 30_000, () => 0)).to.equal(0);
    expect(fullJitterDelay(0, 500, 30_000, () => 0.999)).to.equal(499);
    expect(fullJitterDelay(3, 500, 30_000, () => 0.5)).to.equal(2000);
    expect(fullJitterDelay(10, 500, 30_000, () => 0.999)).to.equal(29_970);
    expect(fullJitterDelay(1000, 500, 30_000, () => 0.5), 'no overflow for large attempts').to.equal(15_000);
  });

  it('the ceiling doubles per attempt up to the maximum', () => {
    const ceilings = [0, 1, 2, 3, 4, 5, 6, 7].map((attempt) => fullJitterDelay(attempt, 500, 30_000, () => 1));
    expect(ceilings).to.deep.equal([500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
  });

  it('acts on every close code: reconnect, refresh, long backoff or stop', () => {
    expect(closeActionOf(4001)).to.equal('stop');
    expect(closeActionOf(4002)).to.equal('refresh');
    expect(closeActionOf(4003)).to.equal('stop');
    expect(closeActionOf(4004)).to.equal('stop');
    for (const code of [4005, 4008, 4009, 4029, 4200, 1009, 1013]) expect(closeActionOf(code), String(code)).to.equal('reconnect');
    expect(closeActionOf(4006)).to.equal('reconnect_later');
    for (const code of [1000, 1001, 1006, 1011, 4000]) expect(closeActionOf(code), `${code} (network or unknown)`).to.equal('reconnect');
  });

  it('the table covers every close code the server declares, and the server uses the same declaration', () => {
    expect(Object.keys(closeActions).map(Number).sort()).to.deep.equal(Object.values(CloseCode).map(Number).sort());
    expect(ServerCloseCode).to.equal(CloseCode);
  });
});
