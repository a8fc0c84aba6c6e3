import { eventuallyPod } from './index.ts';
import { expect } from 'chai';
import { createPod, failureOf, gist, setPodStatus, useSim } from './testing/sim-fixture.ts';

describe('toBeRunning', () => {
  const f = useSim('m-running');

  it('passes when the phase becomes Running', async () => {
    await createPod(f, 'r1', { nodeName: 'w1' });
    const waiting = eventuallyPod(f.conn, f.ns, 'r1', { timeout: '30s' }).toBeRunning();
    await setPodStatus(f, 'r1', { phase: 'Running' });
    expect((await waiting).status?.phase).to.equal('Running');
  });

  it('fails for a pod that does not exist', async () => {
    const message = await failureOf(eventuallyPod(f.conn, f.ns, 'ghost', { timeout: '1s' }).toBeRunning());
    expect(gist(message)).to.equal(
      'Timed out after T of 1s: expected pod m-running/ghost to be Running.\n  last seen: the pod does not exist',
    );
  });
});
