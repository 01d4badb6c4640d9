import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../shared/config.ts';
import { nextRetryDelay, retryAttempts, retryDelay, RETRY_WINDOW_MS } from '../../shared/webhooks/retry.ts';

const problemsOf = (env: Record<string, string>): string => {
  try {
    loadConfig(env);
    return '';
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    return (err as ConfigError).problems.join('\n');
  }
};

describe('webhook settings', () => {
  it('reads WEBHOOKS as a JSON array of {url, events, secret} and refuses anything else, naming the variable', () => {
    const config = loadConfig({ WEBHOOKS: JSON.stringify([{ url: 'https://hooks.example.com/w', events: ['message.created'], secret: 'sixteen-chars-at-least' }]) });
    expect(config.webhooks.endpoints).to.deep.equal([{ url: 'https://hooks.example.com/w', events: ['message.created'], secret: 'sixteen-chars-at-least' }]);
    expect(loadConfig({}).webhooks).to.deep.equal({ endpoints: [], allowPrivate: false });
    for (const value of ['not json', '{}', JSON.stringify([{ url: 'ftp://x/', events: ['message.created'], secret: 'sixteen-chars-at-least' }]),
      JSON.stringify([{ url: 'https://x/', events: ['message.exploded'], secret: 'sixteen-chars-at-least' }]),
      JSON.stringify([{ url: 'https://x/', events: ['message.created'], secret: 'short' }]),
      JSON.stringify([{ url: 'https://x/', events: [] , secret: 'sixteen-chars-at-least' }])]) {
      expect(problemsOf({ WEBHOOKS: value }), value).to.contain('WEBHOOKS');
    }
  });

  it('needs a signing secret with a moderation hook, and reads its timeout and failure mode', () => {
    expect(problemsOf({ MODERATION_WEBHOOK_URL: 'http://moderation.internal/check' })).to.contain('MODERATION_WEBHOOK_SECRET');
    expect(loadConfig({}).moderation).to.equal(null);
    const config = loadConfig({ MODERATION_WEBHOOK_URL: 'http://moderation.internal/check', MODERATION_WEBHOOK_SECRET: 'a-secret-of-16-chars', MODERATION_FAIL: 'closed', MODERATION_TIMEOUT_MS: '250' });
    expect(config.moderation).to.deep.equal({ url: 'http://moderation.internal/check', secret: 'a-secret-of-16-chars', timeoutMs: 250, failOpen: false });
    expect(problemsOf({ MODERATION_FAIL: 'sometimes' })).to.contain('MODERATION_FAIL');
  });

  it('retries with exponential backoff capped at an hour, until 24 hours after the event', () => {
    expect([1, 2, 3, 4].map(retryDelay)).to.deep.equal([1000, 2000, 4000, 8000]);
    expect(retryDelay(30)).to.equal(3600 * 1000);
    const created = new Date(0).toISOString();
    expect(nextRetryDelay(1, created, 0)).to.equal(1000);
    expect(nextRetryDelay(20, created, RETRY_WINDOW_MS - 2 * 3600 * 1000)).to.equal(3600 * 1000);
    expect(nextRetryDelay(20, created, RETRY_WINDOW_MS - 1000)).to.equal(-1);
    // Enough attempts that the window, not the count, ends the retries.
    let elapsed = 0;
    for (let attempt = 1; attempt < retryAttempts(); attempt++) elapsed += retryDelay(attempt);
    expect(elapsed).to.be.at.least(RETRY_WINDOW_MS);
  });
});
