import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { signFileLink, signInternalKey, verifyFileLink, verifyInternalKey } from '../../shared/auth/internal-jwt.ts';
import { randomHex128 } from '../../shared/auth/random.ts';

describe('internal JWTs', () => {
  const secret = 'unit-test-secret-unit-test-secret-0123';
  const uid = randomHex128();
  const fid = `file_${'A'.repeat(22)}`;

  it('an internal key names the uid it acts for', () => {
    expect(verifyInternalKey(secret, signInternalKey(secret, uid))).to.equal(uid);
  });

  it('a download link names its user, for its own file only', () => {
    const { sig, expiresAt } = signFileLink(secret, uid, fid, 300);
    expect(verifyFileLink(secret, sig, fid)).to.equal(uid);
    expect(verifyFileLink(secret, sig, `file_${'B'.repeat(22)}`)).to.equal(null);
    expect(expiresAt.getTime()).to.be.closeTo(Date.now() + 300_000, 1500);
  });

  it('never accepts one kind as the other', () => {
    expect(verifyInternalKey(secret, signFileLink(secret, uid, fid, 300).sig)).to.equal(null);
    expect(verifyFileLink(secret, signInternalKey(secret, uid), fid)).to.equal(null);
  });

  it('refuses other secrets, expired or expiry-less tokens, other algorithms and bad subjects', () => {
    const now = Math.floor(Date.now() / 1000);
    const refused = [
      signInternalKey('some-other-secret-some-other-secret-00', uid),
      jwt.sign({ exp: now - 1 }, secret, { audience: 'wetty:internal', subject: uid }),
      jwt.sign({}, secret, { audience: 'wetty:internal', subject: uid }),
      jwt.sign({ exp: now + 60 }, secret, { audience: 'wetty:internal', subject: uid, algorithm: 'HS384' }),
      jwt.sign({ exp: now + 60 }, 'unused', { audience: 'wetty:internal', subject: uid, algorithm: 'none' }),
      jwt.sign({ exp: now + 60 }, secret, { audience: 'wetty:internal', subject: 'not-a-uid' }),
      jwt.sign({ exp: now + 60 }, secret, { audience: 'wetty:internal' }),
      '',
      'a.b.c',
    ];
    for (const key of refused) expect(verifyInternalKey(secret, key), key).to.equal(null);
  });
});
