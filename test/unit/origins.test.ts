import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../shared/config.ts';
import { judgeOrigin } from '../../shared/http/origins.ts';

const problemsOf = (value: string): string => {
  try {
    loadConfig({ CORS_ORIGINS: value });
    return '';
  } catch (err) {
    return (err as ConfigError).problems.join('\n');
  }
};

describe('CORS_ORIGINS', () => {
  it('parses a comma-separated list of origins; empty means none', () => {
    expect(loadConfig({ CORS_ORIGINS: ' https://a.example.com, http://localhost:5173 ' }).cors.origins).to.deep.equal(['https://a.example.com', 'http://localhost:5173']);
    expect(loadConfig({}).cors).to.deep.equal({ origins: [], maxAgeSeconds: 600 });
    expect(loadConfig({ CORS_ORIGINS: '*' }).cors.origins).to.deep.equal(['*']);
  });

  it('refuses what is not an origin, and `*` inside a list', () => {
    for (const bad of ['https://a.example.com/', 'https://a.example.com/app', 'a.example.com', 'ftp://a.example.com', '*,https://a.example.com']) {
      expect(problemsOf(bad), bad).to.contain('CORS_ORIGINS');
    }
    expect(problemsOf('https://a.example.com:8443')).to.equal('');
  });
});

describe('judging an Origin header', () => {
  const policy = { origins: ['https://app.example.com'] };
  it('tells absent, same-origin, allowed and refused apart', () => {
    expect(judgeOrigin(policy, '', 'api.example.com')).to.equal('none');
    expect(judgeOrigin(policy, 'https://app.example.com', 'api.example.com')).to.equal('allowed');
    expect(judgeOrigin(policy, 'https://api.example.com', 'api.example.com')).to.equal('same-origin');
    expect(judgeOrigin(policy, 'http://127.0.0.1:3000', '127.0.0.1:3000')).to.equal('same-origin');
    expect(judgeOrigin(policy, 'http://127.0.0.1:3001', '127.0.0.1:3000')).to.equal('refused');
    expect(judgeOrigin(policy, 'https://app.example.com.evil.com', 'api.example.com')).to.equal('refused');
    expect(judgeOrigin(policy, 'null', 'api.example.com')).to.equal('refused');
    expect(judgeOrigin({ origins: ['*'] }, 'https://anything.example', 'x')).to.equal('allowed');
  });
});
