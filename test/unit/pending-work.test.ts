import { expect } from 'chai';
import { PendingWork } from '../../workers/pending-work.ts';

/** Post-commit work a worker runs behind its answers: bounded, and awaited on close. */
describe('pending work', () => {
  const later = () => {
    let finish!: () => void;
    let fail!: (err: Error) => void;
    const work = new Promise<void>((resolve, reject) => ((finish = resolve), (fail = reject)));
    return { work, finish, fail };
  };

  it('makes room for more only once fewer than its limit are running', async () => {
    const pending = new PendingWork(2, () => undefined);
    const [a, b] = [later(), later()];
    pending.track(a.work);
    pending.track(b.work);
    let roomy = false;
    const room = pending.room().then(() => (roomy = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(roomy).to.equal(false);
    a.finish();
    await room;
    expect(roomy).to.equal(true);
    b.finish();
    await pending.settled();
  });

  it('reports a piece of work that failed, and still settles', async () => {
    const failures: unknown[] = [];
    const pending = new PendingWork(4, (err) => failures.push(err));
    const [a, b] = [later(), later()];
    pending.track(a.work);
    pending.track(b.work);
    a.fail(new Error('lost'));
    b.finish();
    await pending.settled();
    expect(failures.map((err) => (err as Error).message)).to.deep.equal(['lost']);
  });
});
