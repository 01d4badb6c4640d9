import { expect } from 'chai';
import { GapFiller } from '../../client/src/delivery/gap-filler.ts';
import { WettyError } from '../../client/src/errors.ts';

describe('client SDK: the gap filler after stop()', () => {
  const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  /** A filler whose reads wait until the test settles them. */
  function filler() {
    const reads: { settle: (more: boolean) => void; fail: (err: unknown) => void }[] = [];
    const events: string[] = [];
    const gaps = new GapFiller(
      {
        hasGap: () => true,
        read: () => new Promise<boolean>((resolve, reject) => reads.push({ settle: resolve, fail: reject })),
        filled: (chatId) => events.push(`filled ${chatId}`),
        gone: (chatId) => events.push(`gone ${chatId}`),
        gaveUp: (chatId) => events.push(`gave up ${chatId}`),
      },
      { gapTimeoutMs: 5, maxFailures: 3 },
    );
    return { gaps, reads, events };
  }

  it('reads nothing more once stopped, whatever the read in flight answers', async () => {
    const { gaps, reads, events } = filler();
    gaps.fill('c1');
    gaps.fill('c2');
    expect(reads).to.have.length(2);
    gaps.stop();
    // One read says more remains; the other fails as a network error would, which schedules a retry.
    reads[0]?.settle(true);
    reads[1]?.fail(new WettyError(0, 'network_error', 'offline'));
    await tick(1100);
    gaps.watch('c3');
    await tick(20);
    expect(reads, 'reads after stop()').to.have.length(2);
    expect(events).to.deep.equal([]);
  });
});
