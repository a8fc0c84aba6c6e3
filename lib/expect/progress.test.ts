import { expect } from 'chai';
import { eventuallyPod } from '../matchers/index.ts';
import { createPod, useSim } from '../matchers/testing/sim-fixture.ts';
import { progressLine, progressSettings } from './index.ts';

describe('progress lines', () => {
  const f = useSim('progress');

  it('prints what is awaited, the time spent of the budget and the state now', async () => {
    await createPod(f, 'slow');
    const lines: string[] = [];
    await eventuallyPod(f.conn, f.ns, 'slow', {
      timeout: '2s',
      poll: '50ms',
      progress: { after: '100ms', every: '400ms', write: (l) => lines.push(l) },
    })
      .toBeRunning()
      .catch(() => undefined);
    // At 0.1 s, then every 0.4 s: five lines when idle; timers run late on a busy machine.
    expect(lines.length).to.be.within(2, 6);
    // The last line: on a busy machine the first may come before the pod was even listed.
    expect(lines[lines.length - 1]).to.match(
      /^kubexpect: [\d.]+m?s of 2s waiting for pod progress\/slow to be Running; now: Pending unscheduled, uid \w{8}$/,
    );
  });

  it('is off when asked and formats a line', () => {
    expect(progressSettings(false)).to.equal(undefined);
    expect(progressLine('pod a/b to be Ready', 45_000, '15m (drainNode)', 'Pending')).to.equal(
      'kubexpect: 45s of 15m (drainNode) waiting for pod a/b to be Ready; now: Pending',
    );
  });
});
