import { expect } from 'chai';
import type { Redis } from 'ioredis';
import { createLogger } from '../../shared/logger.ts';
import { createRedis, waitForRedis, type RedisRole } from '../../shared/redis/connections.ts';
import { testConfig } from '../support/config.ts';

const ROLES: RedisRole[] = ['command', 'producer', 'worker', 'state', 'subscriber'];

/** Which roles' connections auto-pipeline, against the real Redis, with REDIS_AUTO_PIPELINING as given. */
async function pipelinedRoles(env: Record<string, string>): Promise<RedisRole[]> {
  const config = testConfig({ ...env, LOG_LEVEL: 'silent' });
  const log = createLogger(config, 'test');
  const connections = ROLES.map((role) => [role, createRedis(config.redis, role, log)] as const);
  try {
    await Promise.all(connections.map(([, redis]) => waitForRedis(redis)));
    // A connection that pipelines still answers each command on its own.
    const [, command] = connections[0] as readonly [RedisRole, Redis];
    expect(await Promise.all([command.ping(), command.ping('two')])).to.deep.equal(['PONG', 'two']);
    return connections.filter(([, redis]) => redis.options.enableAutoPipelining === true).map(([role]) => role);
  } finally {
    await Promise.allSettled(connections.map(([, redis]) => redis.quit()));
  }
}

describe('Redis connections by role', () => {
  it("auto-pipelines the api's and the workers' own commands, never BullMQ's or the subscriber's", async () => {
    expect(await pipelinedRoles({})).to.deep.equal(['command', 'state']);
  });

  it('REDIS_AUTO_PIPELINING=false turns it off on every connection', async () => {
    expect(await pipelinedRoles({ REDIS_AUTO_PIPELINING: 'false' })).to.deep.equal([]);
  });
});
