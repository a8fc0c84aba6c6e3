import { expect } from 'chai';
import { eventuallyPod } from './index.ts';
import { createPod, failureOf, gist, setPodStatus, useSim } from './testing/sim-fixture.ts';

describe('toBeReady', () => {
  const f = useSim('m-ready');

  it('passes when the Ready condition turns True', async () => {
    await createPod(f, 'r1', { nodeName: 'w1' });
    const waiting = eventuallyPod(f.conn, f.ns, 'r1', { timeout: '30s' }).toBeReady();
    await setPodStatus(f, 'r1', { phase: 'Running', ready: true });
    await waiting;
  });

  it('fails with the Ready condition it saw', async () => {
    await createPod(f, 'r2', { nodeName: 'w1' });
    await setPodStatus(f, 'r2', { phase: 'Running', ready: false });
    const message = await failureOf(eventuallyPod(f.conn, f.ns, 'r2', { timeout: '1s' }).toBeReady());
    expect(gist(message)).to.match(
      /^Timed out after T of 1s: expected pod m-ready\/r2 to be Ready\.\n {2}last seen: Ready=False, Running on w1, uid \w{8}$/,
    );
    expect(message).to.match(/\n {2}state: Running, on w1, uid \w{8}, Ready=False\n/);
  });
});
