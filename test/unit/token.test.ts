import { expect } from 'chai';
import { decodeToken, encodeToken, newClientKey, newRefreshSecret, newUserSecret, TOKEN_LENGTH } from '../../shared/auth/token.ts';
import { randomHex128 } from '../../shared/auth/random.ts';

describe('token codec', () => {
  const parts = {
    uid: randomHex128(),
    userSecret: newUserSecret(),
    clientType: 'mobile' as const,
    refreshSecret: newRefreshSecret(),
    clientKey: newClientKey(),
    issuedAt: 1_764_000_000,
  };

  it('lays the six fields out at the positions of the API document', () => {
    const token = encodeToken(parts);
    expect(token).to.have.length(TOKEN_LENGTH);
    expect(token.slice(0, 32)).to.equal(parts.uid);
    expect(token.slice(32, 64)).to.equal(parts.userSecret);
    expect(token.slice(64, 68)).to.equal('mob_');
    expect(token.slice(68, 76)).to.equal(parts.refreshSecret);
    expect(token.slice(76, 92)).to.equal(parts.clientKey);
    expect(token.slice(92, 100)).to.equal(parts.issuedAt.toString(16).padStart(8, '0'));
  });

  it('decodes what it encodes, for both client types', () => {
    expect(decodeToken(encodeToken(parts))).to.deep.equal(parts);
    const web = { ...parts, clientType: 'web' as const };
    expect(decodeToken(encodeToken(web))).to.deep.equal(web);
  });

  it('rejects anything that is not exactly the shape', () => {
    const token = encodeToken(parts);
    for (const bad of [
      '',
      token.slice(0, 99),
      `${token}0`,
      token.toUpperCase(),
      token.slice(0, 64) + 'xyz_' + token.slice(68),
      token.slice(0, 92) + 'ffffffff', // issued-at beyond int32
      token.slice(0, 10) + '-' + token.slice(11),
    ]) {
      expect(decodeToken(bad), bad).to.equal(null);
    }
  });

  it('draws fresh secrets each time', () => {
    expect(newUserSecret()).to.match(/^[0-9A-Za-z]{32}$/).and.not.equal(newUserSecret());
    expect(newClientKey()).to.match(/^[0-9A-Za-z]{16}$/);
    expect(newRefreshSecret()).to.match(/^[0-9A-Za-z]{8}$/);
    expect(randomHex128()).to.match(/^[0-9a-f]{32}$/);
  });
});
