import { createHash, randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { RedisScript } from '../../shared/redis/script.ts';
import { testConfig } from '../support/config.ts';

/** Scripts run by SHA, and loaded by the first call on a Redis that does not know them (real Redis). */
describe('Redis scripts by SHA', () => {
  let redis: Redis;
  before(() => {
    redis = new Redis(testConfig().redis.url);
  });
  after(() => redis.quit());

  it('runs a script Redis has never seen, then by its SHA alone', async () => {
    // A body no Redis has loaded yet.
    const marker = randomBytes(8).toString('hex');
    const source = `-- ${marker}\nreturn {KEYS[1], ARGV[1]}`;
    const sha = createHash('sha1').update(source).digest('hex');
    const script = new RedisScript(source);
    expect(await redis.script('EXISTS', sha)).to.deep.equal([0]);
    expect(await script.run(redis, ['k'], ['v'])).to.deep.equal(['k', 'v']);
    expect(await redis.script('EXISTS', sha), 'loaded by the first call').to.deep.equal([1]);
    expect(await script.run(redis, ['k2'], [7])).to.deep.equal(['k2', '7']);
  });
});
