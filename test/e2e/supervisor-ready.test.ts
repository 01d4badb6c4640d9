import net from 'node:net';
import { expect } from 'chai';
import { statusOf } from '../../supervisor/wait-until-ready.ts';
import { startSystem, type RunningSystem } from '../support/system.ts';

/** Ports the OS allows but browsers and Node's fetch refuse as unsafe. */
const UNSAFE_PORTS = [6000, 6665, 6666, 6667, 6668, 6669, 6697, 10080];

describe('npm start on a port fetch calls unsafe, with LOG_LEVEL=warn', function () {
  this.timeout(90_000);
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
