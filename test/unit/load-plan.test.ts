import { expect } from 'chai';
import { LoadError, limitOf, nodesFor, planClients, PORTS_PER_ADDRESS } from '../../load/plan.ts';

describe('load test planning', () => {
  it('spreads 15,000 sockets over two client processes on one source address', () => {
    const slices = planClients(15_000, { addresses: 4 });
    expect(slices).to.have.length(2);
    expect(slices.map((s) => s.to - s.from)).to.deep.equal([7_500, 7_500]);
    expect(new Set(slices.map((s) => s.localAddress))).to.deep.equal(new Set(['127.0.0.1']));
  });

  it('uses more loopback addresses when one runs out of ports, and never overloads one', () => {
    const slices = planClients(100_000, { addresses: 4 });
    const perAddress = new Map<string, number>();
    for (const s of slices) perAddress.set(s.localAddress, (perAddress.get(s.localAddress) ?? 0) + s.to - s.from);
    expect(perAddress.size).to.equal(4);
    for (const n of perAddress.values()) expect(n).to.be.below(PORTS_PER_ADDRESS);
    for (const s of slices) expect(s.to - s.from).to.be.at.most(10_000);
    expect(slices.at(-1)?.to).to.equal(100_000);
  });

  it('refuses a port range that cannot hold the sockets, saying which option to raise', () => {
    expect(() => planClients(60_000, { addresses: 1 })).to.throw(LoadError, /raise --source-addresses to 3 or lower --sockets/);
  });

  it('names the limit behind each refusal', () => {
    expect(limitOf('4009')).to.match(/node full.*SUPERVISOR_REALTIME_NODES/);
    expect(limitOf('EMFILE')).to.match(/client file limit/);
    expect(limitOf('EADDRNOTAVAIL')).to.match(/ephemeral ports exhausted.*--source-addresses/);
    expect(limitOf('ECONNRESET')).to.equal(null);
  });

  it('starts two realtime nodes for 15,000 sockets', () => {
    expect(nodesFor(15_000)).to.equal(2);
    expect(nodesFor(1_000)).to.equal(1);
  });
});
