import { expect } from 'chai';
import type { OpenApiDocument } from '../../api/docs/openapi.ts';
import { startTestApi, type TestApi } from '../support/api-server.ts';
import { capturingLogger } from '../support/log-capture.ts';
import { startTestWorkers } from '../support/workers.ts';
import { seedFixtures, type Pools } from './fixtures.ts';
import { fuzzGroup, ROUTE_GROUPS, type Failure, type GroupStats } from './run-fuzz.ts';

// CI runs a small seeded sample; `npm run fuzz -- --cases 10000` runs the full size (README).
const CASES = Number(process.env.FUZZ_CASES ?? 150);
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_130);
const CONCURRENCY = Number(process.env.FUZZ_CONCURRENCY ?? 8);
const GROUPS = ROUTE_GROUPS.filter((g) => !process.env.FUZZ_GROUPS || process.env.FUZZ_GROUPS.split(',').includes(g));

describe(`fuzz: generated requests to every route of /openapi.json (${CASES} per route group, seed ${SEED})`, function () {
  this.timeout(0);
  // Warnings and errors of both roles are kept: no client mistake may log at error level.
  const apiLog = capturingLogger('warn');
  const workerLog = capturingLogger('warn');
  let api: TestApi;
  let workers: Awaited<ReturnType<typeof startTestWorkers>>;
  let document: OpenApiDocument;
  let pools: Pools;
  const results: GroupStats[] = [];

  before(async () => {
    console.log(`    fuzz seed ${SEED}, ${CASES} cases per route group, ${CONCURRENCY} at a time (FUZZ_SEED / FUZZ_CASES to change)`);
    // Rate limits stay on (a 429 is a documented answer) but are raised so the run is not throttled into meaninglessness.
    api = await startTestApi({ LOGIN_RATE_MAX: '1000000', REGISTER_RATE_MAX: '1000000' }, { log: apiLog.log });
    workers = await startTestWorkers(api.deps.config, { log: workerLog.log });
    const res = await api.http.get('/openapi.json');
    expect(res.status).to.equal(200);
    document = res.body;
    pools = await seedFixtures(api.http, 8);
  });
  after(async () => {
    const rows = results.map((r) => `    ${r.group.padEnd(10)} ops ${String(r.operations).padStart(2)}  cases ${String(r.cases).padStart(6)}  5xx ${r.server_errors}  shape ${r.error_shape}  undocumented ${r.undocumented}  schema ${r.schema_mismatch}  no-answer ${r.no_answer}  statuses ${JSON.stringify(r.statuses)}`);
    console.log(`\n    fuzz summary (seed ${SEED}):\n${rows.join('\n')}`);
    await workers?.close();
    // The test api also fails here if any answer was missing from the document.
    await api?.close();
  });

  for (const group of GROUPS) {
    it(`${group}: no 5xx, errors in the envelope with documented codes, documented statuses, 2xx bodies as documented`, async () => {
      const failures: Failure[] = [];
      const stats = await fuzzGroup(api.http.baseUrl, document, pools, group, {
        casesPerGroup: group === 'operations' ? Math.min(CASES, 500) : CASES,
        seed: SEED + ROUTE_GROUPS.indexOf(group) * 1_000_003,
        concurrency: CONCURRENCY,
        onFailure: (failure) => failures.push(failure),
      });
      results.push(stats);
      const examples = [...new Map(failures.map((f) => [`${f.violation} ${f.operation} ${f.status}`, f])).values()].slice(0, 12);
      const report = examples.map((f) => `${f.violation}: ${f.operation} → ${f.status ?? '-'} ${f.why}\n      sent ${JSON.stringify(f.sent)?.slice(0, 600)}`).join('\n    ');
      expect(failures.length, `${failures.length} failures, e.g.\n    ${report}`).to.equal(0);
      expect(stats.cases).to.be.at.least(group === 'operations' ? 1 : CASES);
    });
  }

  it('logged nothing at error level, no unchecked input reached the database, no answer was missing from the document', () => {
    const lines = [...apiLog.lines, ...workerLog.lines];
    const errors = lines.filter((l) => l.level >= 50);
    const unchecked = lines.filter((l) => l.msg === 'input reached the database unchecked' || l.msg === 'answer missing from the API document');
    console.log(`    log lines at error level: ${errors.length}; unchecked input or undocumented answers: ${unchecked.length}`);
    expect(errors.slice(0, 5), JSON.stringify(errors.slice(0, 5))).to.deep.equal([]);
    expect(unchecked.slice(0, 5), JSON.stringify(unchecked.slice(0, 5))).to.deep.equal([]);
  });
});
