import { randomBytes } from 'node:crypto';
import { loadConfig, type Env } from '../../shared/config.ts';

const required = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests with \`npm test\``);
  return value;
};

/** The database this test run owns (created by test/run.ts). */
export const testDatabaseUrl = () => required('TEST_DATABASE_URL');

/** A Redis prefix no other test uses, so queues, rate limits and channels never collide. */
export const uniquePrefix = () => `${required('TEST_REDIS_PREFIX')}-${randomBytes(3).toString('hex')}`;

/** Config for a test: this run's database, a unique Redis prefix, quiet logs, and generous rate limits. */
export function testEnv(overrides: Env = {}): Env {
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATABASE_URL: testDatabaseUrl(),
    DATABASE_POOL_MAX: '5',
    REDIS_URL: required('TEST_REDIS_URL'),
    REDIS_PREFIX: uniquePrefix(),
    LOGIN_RATE_MAX: '1000',
    LOGIN_ADDRESS_RATE_MAX: '100000',
    // Per-user limits out of the way of tests that are not about them (those set small ones).
    SEND_BURST_MAX: '100000',
    SEND_SUSTAINED_MAX: '1000000',
    FRIEND_REQUESTS_PER_DAY: '1000000',
    GROUP_ADDITIONS_PER_HOUR: '1000000',
    UPLOADS_PER_HOUR: '1000000',
    REGISTER_RATE_MAX: '1000',
    ...overrides,
  };
}

export const testConfig = (overrides: Env = {}) => loadConfig(testEnv(overrides));
