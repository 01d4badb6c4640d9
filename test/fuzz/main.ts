import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';

// `npm run fuzz -- --cases 10000 [--seed N] [--concurrency 8]`: the fuzz suite at full size, on a
// fresh database (test/run.ts), against the real api and workers with PostgreSQL and Redis.
const { values } = parseArgs({
  options: { cases: { type: 'string', default: '10000' }, seed: { type: 'string' }, concurrency: { type: 'string', default: '8' } },
});
for (const [name, value] of Object.entries(values)) {
  if (value !== undefined && !/^[1-9][0-9]*$/.test(value)) {
    console.error(`--${name} must be a positive integer`);
    process.exit(2);
  }
}
const env = {
  ...process.env,
  FUZZ_CASES: values.cases,
  FUZZ_CONCURRENCY: values.concurrency,
  ...(values.seed ? { FUZZ_SEED: values.seed } : {}),
};
const child = spawn(
  process.execPath,
  ['--import', 'tsx', 'test/run.ts', '--no-config', '-n', 'import=tsx', '--timeout', '0', '--exit', '--reporter', 'test/support/summary-reporter.cjs', 'test/fuzz/api-fuzz.test.ts'],
  { stdio: 'inherit', env },
);
child.once('exit', (code) => process.exit(code ?? 1));
