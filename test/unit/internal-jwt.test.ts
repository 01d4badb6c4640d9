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
    expect(expiresAt.getTime()).to.be.within(Date.now() + 299_000, Date.now() + 600_000);
  });

  describe('stable links within a time bucket', () => {
    const ttl = 300;
    const bucketStart = 1_800_000_000 * 1000; // a multiple of 300 s
    const at = (offsetSeconds: number) => signFileLink(secret, uid, fid, ttl, bucketStart + offsetSeconds * 1000);

    it('gives the same signature for the same user and file anywhere in one bucket', () => {
      const first = at(0.001);
      for (const offset of [1, 150, 299.999]) expect(at(offset)).to.deep.equal(first);
    });

    it('gives a new signature in the next bucket', () => {
      expect(at(300.001).sig).to.not.equal(at(299.999).sig);
      expect(at(300.001).expiresAt.getTime() - at(299.999).expiresAt.getTime()).to.equal(ttl * 1000);
    });

    it('differs per user and per file', () => {
      expect(signFileLink(secret, randomHex128(), fid, ttl, bucketStart).sig).to.not.equal(at(0).sig);
      expect(signFileLink(secret, uid, `file_${'C'.repeat(22)}`, ttl, bucketStart).sig).to.not.equal(at(0).sig);
    });

    it('expires on a bucket boundary at least ttl and less than 2 × ttl after signing', () => {
      for (const offset of [0, 0.5, 1, 123.4, 299.999]) {
        const now = bucketStart + offset * 1000;
        const { expiresAt } = signFileLink(secret, uid, fid, ttl, now);
        expect(expiresAt.getTime() % (ttl * 1000), String(offset)).to.equal(0);
        expect(expiresAt.getTime() - now, String(offset)).to.be.at.least(ttl * 1000).and.below(2 * ttl * 1000);
      }
    });

    it('carries no issued-at, only the bucket expiry', () => {
      const claims = jwt.decode(at(10).sig) as Record<string, unknown>;
      expect(claims).to.not.have.property('iat');
      expect(claims.exp).to.equal(bucketStart / 1000 + 2 * ttl);
    });
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
