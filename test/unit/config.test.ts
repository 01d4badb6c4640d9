import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { CONFIG_VARIABLES, ConfigError, DEV_INTERNAL_SECRET, DEV_OPERATOR_PASSWORD, internalSecret, loadConfig, operatorCredentials } from '../../shared/config.ts';
import { SEND_BATCH_MAX_SENDS } from '../../shared/queues/contracts.ts';

describe('config', () => {
  it('works with no variables at all, on this machine\'s defaults', () => {
    const config = loadConfig({});
    expect(config.api.port).to.equal(3000);
    expect(config.realtime.port).to.equal(3001);
    expect(config.realtime.path).to.equal('/ws/chats');
    expect(config.auth.tokenTtlSeconds.web).to.be.below(config.auth.tokenTtlSeconds.mobile);
    expect(Object.isFrozen(config.auth.tokenTtlSeconds)).to.equal(true);
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ API_PORT: '' }).api.port).to.equal(3000);
  });

  it('names every bad variable in one error', () => {
    let error: unknown;
    try {
      loadConfig({ API_PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', WEB_TOKEN_TTL_SECONDS: '-5' });
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of ['API_PORT', 'DATABASE_URL', 'LOG_LEVEL', 'WEB_TOKEN_TTL_SECONDS']) expect(problems).to.contain(name);
  });

  it('reads REDIS_AUTO_PIPELINING as a flag: on unless said, and a value that is no flag is refused by name', () => {
    expect(loadConfig({}).redis.autoPipelining).to.equal(true);
    expect(loadConfig({ REDIS_AUTO_PIPELINING: 'false' }).redis.autoPipelining).to.equal(false);
    expect(loadConfig({ REDIS_AUTO_PIPELINING: '0' }).redis.autoPipelining).to.equal(false);
    expect(() => loadConfig({ REDIS_AUTO_PIPELINING: 'sometimes' })).to.throw(ConfigError, 'REDIS_AUTO_PIPELINING');
  });

  it('keeps the api\'s metrics and health on their own port and the drain delay in milliseconds', () => {
    const config = loadConfig({ API_OPS_PORT: '9300', API_DRAIN_DELAY_SECONDS: '1.5' });
    expect(config.api).to.include({ opsHost: '127.0.0.1', opsPort: 9300, drainDelayMs: 1500 });
    expect(loadConfig({}).api).to.include({ opsPort: 3300, drainDelayMs: 0 });
  });

  describe('operator credentials', () => {
    const problemsOf = (env: Record<string, string>) => {
      try {
        operatorCredentials(loadConfig(env));
        return [];
      } catch (err) {
        expect(err).to.be.instanceOf(ConfigError);
        return (err as ConfigError).problems;
      }
    };

    it('fall back to the documented default outside production', () => {
      expect(operatorCredentials(loadConfig({}))).to.deep.equal({ user: 'operator', password: DEV_OPERATOR_PASSWORD });
      expect(operatorCredentials(loadConfig({ NODE_ENV: 'test', OPERATOR_USER: 'ops', OPERATOR_PASSWORD: 'pw' }))).to.deep.equal({ user: 'ops', password: 'pw' });
    });

    it('are required in production, naming OPERATOR_PASSWORD, and the development default is refused there', () => {
      expect(problemsOf({ NODE_ENV: 'production' }).join()).to.contain('OPERATOR_PASSWORD');
      expect(problemsOf({ NODE_ENV: 'production', OPERATOR_PASSWORD: '' }).join()).to.contain('OPERATOR_PASSWORD');
      expect(problemsOf({ NODE_ENV: 'production', OPERATOR_PASSWORD: DEV_OPERATOR_PASSWORD }).join()).to.contain('OPERATOR_PASSWORD');
      expect(problemsOf({ NODE_ENV: 'production', OPERATOR_PASSWORD: 'a real secret' })).to.deep.equal([]);
    });

    it('do not stop roles that do not serve the board (config alone loads in production)', () => {
      expect(() => loadConfig({ NODE_ENV: 'production' })).not.to.throw();
    });
  });

  it('is documented: the README configuration table names every variable', () => {
    const readme = readFileSync('README.md', 'utf8');
    const table = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('\n## ', readme.indexOf('## Configuration') + 5));
    expect(CONFIG_VARIABLES.filter((name) => !table.includes(`\`${name}\``))).to.deep.equal([]);
  });

  it('requires INTERNAL_SECRET where it is used (the api) in production, and refuses a short one', () => {
    const problems = (env: Record<string, string>) => {
      try {
        internalSecret(loadConfig(env));
        return '';
      } catch (err) {
        expect(err).to.be.instanceOf(ConfigError);
        return (err as ConfigError).problems.join('\n');
      }
    };
    expect(problems({ NODE_ENV: 'production' })).to.contain('INTERNAL_SECRET');
    expect(problems({ NODE_ENV: 'production', INTERNAL_SECRET: DEV_INTERNAL_SECRET })).to.contain('INTERNAL_SECRET');
    expect(problems({ NODE_ENV: 'production', INTERNAL_SECRET: 'short' })).to.contain('INTERNAL_SECRET');
    expect(problems({ NODE_ENV: 'production', INTERNAL_SECRET: 's'.repeat(32) })).to.equal('');
    expect(internalSecret(loadConfig({ NODE_ENV: 'production', INTERNAL_SECRET: 's'.repeat(32) }))).to.equal('s'.repeat(32));
    expect(internalSecret(loadConfig({ NODE_ENV: 'development' }))).to.equal(DEV_INTERNAL_SECRET);
  });

  it('keeps an api send batch within what one send-batch job may carry', () => {
    expect(loadConfig({ API_SEND_BATCH_MAX: String(SEND_BATCH_MAX_SENDS) }).api.sendBatch.maxItems).to.equal(SEND_BATCH_MAX_SENDS);
    // A larger batch would fail the job's contract at enqueue: every send in it answered 400.
    expect(() => loadConfig({ API_SEND_BATCH_MAX: String(SEND_BATCH_MAX_SENDS + 1) })).to.throw(ConfigError, /API_SEND_BATCH_MAX/);
  });

  it('defaults to local file storage and needs keys for S3', () => {
    const files = loadConfig({}).files;
    expect(files).to.include({ storage: 'fs', dir: './data/files', maxBytes: 2 * 1024 ** 3, linkTtlSeconds: 300, uploadAbandonedSeconds: 86_400 });
    for (const bad of ['59', String(31 * 24 * 3600), '1.5', 'a day']) {
      expect(() => loadConfig({ FILE_UPLOAD_ABANDONED_SECONDS: bad }), bad).to.throw(ConfigError, /FILE_UPLOAD_ABANDONED_SECONDS/);
    }
    expect(() => loadConfig({ FILE_STORAGE: 's3' })).to.throw(ConfigError, /S3_ACCESS_KEY[\s\S]*S3_SECRET_KEY/);
    const s3 = loadConfig({ FILE_STORAGE: 's3', S3_ACCESS_KEY: 'a', S3_SECRET_KEY: 'b', S3_PORT: '9100', S3_USE_SSL: 'true' }).files.s3;
    expect(s3).to.include({ accessKey: 'a', secretKey: 'b', port: 9100, useSSL: true, bucket: 'wetty-files' });
    expect(() => loadConfig({ FILE_STORAGE: 'ftp' })).to.throw(ConfigError, /FILE_STORAGE/);
    expect(() => loadConfig({ S3_BUCKET: 'Bad_Bucket' })).to.throw(ConfigError, /S3_BUCKET/);
  });
});
