import { execFileSync } from 'node:child_process';
import { expect } from 'chai';

/** Runs createLogger in a fresh process (stdout piped), optionally pretending stdout is a terminal. */
function logsOf(env: 'development' | 'production', tty: boolean): string {
  const script = `
    ${tty ? 'process.stdout.isTTY = true;' : ''}
    const { createLogger, announcer } = await import('./shared/logger.ts');
    const log = createLogger({ logLevel: 'warn', env: '${env}' }, 'probe');
    log.info('below the level');
    log.warn({ token: 'secret-token' }, 'a warning');
    announcer(log).info({ api: 'http://127.0.0.1:1' }, 'always shown');
  `;
  return execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
}

describe('logs', () => {
  it('are JSON lines when stdout is not a terminal, even in development', () => {
    const lines = logsOf('development', false).trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((l) => l.msg)).to.deep.equal(['a warning', 'always shown']);
    expect(lines[0]).to.include({ role: 'probe', token: '[redacted]' });
    expect(lines[1]).to.include({ level: 30, api: 'http://127.0.0.1:1' });
  });

  it('are pretty-printed for a person in development on a terminal', () => {
    const text = logsOf('development', true);
    expect(text).to.match(/WARN.*a warning/);
    expect(text).to.match(/INFO.*always shown/);
    expect(text).to.contain('[redacted]');
    expect(text).not.to.contain('below the level');
    expect(text.trimStart().startsWith('{')).to.equal(false);
  });

  it('stay JSON in production even on a terminal', () => {
    const first = logsOf('production', true).trim().split('\n')[0] ?? '';
    expect(JSON.parse(first)).to.include({ msg: 'a warning' });
  });
});
