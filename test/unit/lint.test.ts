import { spawn } from 'node:child_process';
import { expect } from 'chai';

/**
 * `npm run lint` (oxlint's type-aware rules, `.oxlintrc.json`) finds nothing: every promise is
 * awaited or caught, no promise is passed where a callback's result is ignored, nothing that is not
 * a promise is awaited.
 */
describe('lint', function () {
  this.timeout(300_000);

  it('has no floating or misused promises (oxlint --type-aware)', async () => {
    const lint = spawn(process.execPath, ['node_modules/oxlint/bin/oxlint', '--type-aware', '--format', 'unix'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    lint.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    lint.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => lint.once('exit', resolve));
    expect(code, output).to.equal(0);
  });
});
