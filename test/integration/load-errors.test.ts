import { fork } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { LoadError, limitOf } from '../../load/plan.ts';
import type { ClientJob, ClientReport } from '../../load/protocol.ts';
import { checkApi, seedThroughApi } from '../../load/seed-api.ts';
import { freePort } from '../support/system.ts';

const topology = { users: 2, directPairs: 1, smallGroups: 0, smallGroupSize: 0, largeGroupMembers: 0 };

async function fakeServer(answer: (path: string) => [number, unknown]): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const [status, body] = answer(req.url ?? '');
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function failure(promise: Promise<unknown>): Promise<LoadError> {
  const err = await promise.then(() => null, (e: unknown) => e);
  expect(err).to.be.instanceOf(LoadError);
  return err as LoadError;
}

describe('load test: errors say what to change', () => {
  const servers: Server[] = [];
  after(() => servers.forEach((s) => s.close()));

  it('a base URL where nothing listens', async () => {
    const port = await freePort();
    const err = await failure(checkApi(`http://127.0.0.1:${port}`));
    expect(err.message).to.equal(`Cannot reach the API at http://127.0.0.1:${port} (ECONNREFUSED): check --base-url.`);
  });

  it('a base URL that is not the Wetty API', async () => {
    const { server, url } = await fakeServer(() => [404, { nothing: 'here' }]);
    servers.push(server);
    const err = await failure(checkApi(url));
    expect(err.message).to.match(/healthz answered 404 .*: check --base-url/);
  });

  it('a server that refuses logins', async () => {
    const { server, url } = await fakeServer((path) =>
      path === '/users/auth/register' ? [201, { uid: 'a'.repeat(32) }] : [429, { error: { code: 'rate_limited', message: 'Too many requests' } }],
    );
    servers.push(server);
    const err = await failure(seedThroughApi(url, topology, 't1', () => {}));
    expect(err.message).to.match(/^The server refused the login of load_t1_\d \(429 .*rate_limited.*\): raise LOGIN_RATE_MAX on the server/);
  });

  it('a source address without free ports: the client reports EADDRNOTAVAIL, which names the port limit', async function () {
    this.timeout(40_000);
    const child = fork('load/client.ts', [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    try {
      const port = await freePort();
      // 192.0.2.1 (TEST-NET) is not on this machine: binding to it fails exactly like an exhausted range.
      const job: ClientJob = { type: 'start', wsUrl: `ws://127.0.0.1:${port}/ws/chats`, localAddress: '192.0.2.1', identities: [{ uid: 'a'.repeat(32), token: 'x' }], handshakesInFlight: 1, pingIntervalMs: 30_000 };
      child.send(job);
      // The reports add up until the client is done: the first try and two retries.
      const failures: Record<string, number> = {};
      await new Promise<void>((resolve) =>
        child.on('message', (r: ClientReport) => {
          for (const [k, n] of Object.entries(r.failures)) failures[k] = (failures[k] ?? 0) + n;
          if (r.done) resolve();
        }),
      );
      expect(failures).to.deep.equal({ EADDRNOTAVAIL: 3 });
      expect(limitOf('EADDRNOTAVAIL')).to.match(/raise --source-addresses/);
    } finally {
      child.kill();
    }
  });
});
