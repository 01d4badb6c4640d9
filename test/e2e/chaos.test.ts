import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Row } from '../../chaos/report.ts';

/**
 * The CI-sized chaos run (`npm run chaos -- --short`): the whole system on a Redis and a PostgreSQL
 * of its own, one fault per scenario. In every scenario: nothing answered 2xx is lost or stored
 * twice, seqs have no gaps, every message reaches its members and no frame reaches one twice or
 * after a kick or revocation, no process exits unplanned, and a client meets only 503 with
 * Retry-After or a refused connection while a process is down.
 */
describe('chaos (short run, real processes, own Redis and PostgreSQL)', function () {
  this.timeout(40 * 60_000);
  let rows: Row[] = [];
  let output = '';

  before(async () => {
    const file = path.join(tmpdir(), `wetty-chaos-ci-${process.pid}.json`);
    const child = spawn(process.execPath, ['--import', 'tsx', 'chaos/main.ts', '--short', '--json', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code, output.slice(-4000)).to.equal(0);
    rows = JSON.parse(await readFile(file, 'utf8')) as Row[];
    await rm(file, { force: true });
  });

  it('runs every scenario', () => {
    expect(rows.length, output.slice(-4000)).to.equal(8);
  });

  it('loses nothing answered 2xx, stores nothing twice, leaves no seq gap', () => {
    for (const row of rows) {
      expect({ scenario: row.scenario, lost: row.lost, duplicateRows: row.duplicateRows, seqGaps: row.seqGaps, unanswered: row.unanswered }).to.deep.equal({
        scenario: row.scenario, lost: 0, duplicateRows: 0, seqGaps: 0, unanswered: 0,
      });
    }
  });

  // Every committed message reached its members' sockets (live, or by the client's own gap fill at
  // reconnect or resync) and nothing reached a kicked member or a revoked session.
  it('delivers every message to its members, with no stale permission', () => {
    for (const row of rows) {
      expect({ scenario: row.scenario, missingLive: row.missingLive, stale: row.stale }).to.deep.equal({ scenario: row.scenario, missingLive: 0, stale: 0 });
    }
  });

  // Pushes between processes are at least once (a relay repeats a push whose outbox row was not
  // removed); the realtime node drops the repeat, so no socket gets a frame twice.
  it('repeats no frame on a connection', () => {
    for (const row of rows) {
      expect({ scenario: row.scenario, duplicateFrames: row.duplicateFrames }).to.deep.equal({ scenario: row.scenario, duplicateFrames: 0 });
    }
  });

  it('no process exits unplanned', () => {
    for (const row of rows) expect({ scenario: row.scenario, exits: row.exits }).to.deep.equal({ scenario: row.scenario, exits: 0 });
  });

  it('clients meet only 503 unavailable with Retry-After, or a refused connection while a process is down', () => {
    const allowed = /^(503:unavailable|ECONNREFUSED|ECONNRESET|UND_ERR_SOCKET)$/;
    for (const row of rows) {
      expect({ scenario: row.scenario, errors: Object.keys(row.errors).filter((code) => !allowed.test(code)) }).to.deep.equal({ scenario: row.scenario, errors: [] });
    }
  });
});
