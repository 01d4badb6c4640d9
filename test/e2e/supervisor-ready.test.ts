import net from 'node:net';
import { expect } from 'chai';
import { statusOf } from '../../supervisor/wait-until-ready.ts';
import { freePort, startSystem, type RunningSystem } from '../support/system.ts';

/** Ports the OS allows but browsers and Node's fetch refuse as unsafe. */
const UNSAFE_PORTS = [6000, 6665, 6666, 6667, 6668, 6669, 6697, 10080];

describe('npm start on a port fetch calls unsafe, with LOG_LEVEL=warn', function () {
  this.timeout(240_000);
  let system: RunningSystem | undefined;
  let port: number | undefined;

  before(async function () {
    for (const candidate of UNSAFE_PORTS) if (await isFree(candidate)) { port = candidate; break; }
    if (port === undefined) this.skip();
    system = await startSystem({ API_PORT: String(port), LOG_LEVEL: 'warn' });
  });
  after(async () => {
    await system?.stop();
  });

  it('becomes ready and still prints "wetty is ready" with the addresses', async () => {
    const refused = await fetch(`http://127.0.0.1:${port}/healthz`).then(() => 'answered', (err: Error) => String(err.cause ?? err));
    expect(refused).to.match(/bad port/i);
    expect(await statusOf(`http://127.0.0.1:${port}/readyz`, 2000)).to.equal(200);
    const ready = system!.output().split('\n').find((line) => line.includes('"wetty is ready"'));
    expect(JSON.parse(ready ?? '{}')).to.include({ api: `http://127.0.0.1:${port}` });
    // Nothing else at info level was printed.
    expect(system!.output()).not.to.contain('"database migrated"');
  });
});

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer().once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

describe('npm start with several api processes whose ports run into another role\'s', function () {
  this.timeout(60_000);

  it('refuses to start, naming the variables that clash, before starting any process', async () => {
    const apiPort = await freePort();
    const env = { SUPERVISOR_API_PROCESSES: '2', API_PORT: String(apiPort), WS_PORT: String(apiPort + 1), SUPERVISOR_READY_TIMEOUT_SECONDS: '5' };
    const system = await startSystem(env, { readyTimeoutMs: 30_000 }).then(
      async (running) => {
        await running.stop();
        return null;
      },
      (err: unknown) => err as Error,
    );
    expect(system, 'the supervisor started').to.be.instanceOf(Error);
    // The second api process would take API_PORT + 1, where the realtime nodes listen.
    const message = (system as Error).message;
    expect(message).to.contain('WS_PORT');
    expect(message).to.contain('API_PORT');
  });
});
