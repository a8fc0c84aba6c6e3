import { expect } from 'chai';
import { consistentlyPod, eventuallyPod } from './index.ts';
import { createPod, failureOf, gist, setPodStatus, useSim } from './testing/sim-fixture.ts';

describe('toBePending', () => {
  const f = useSim('m-pending');

  it('passes for a Pending pod', async () => {
    await createPod(f, 'p1');
    const pod = await eventuallyPod(f.conn, f.ns, 'p1', { timeout: '1s' }).toBePending();
    expect(pod.status?.phase).to.equal('Pending');
  });

  it('fails for a Running pod, showing where it runs', async () => {
    await createPod(f, 'p2', { nodeName: 'w1' });
    await setPodStatus(f, 'p2', { phase: 'Running' });
    const message = await failureOf(eventuallyPod(f.conn, f.ns, 'p2', { timeout: '1s' }).toBePending());
    expect(gist(message)).to.match(
      /^Timed out after T of 1s: expected pod m-pending\/p2 to be Pending\.\n {2}last seen: Running on w1, uid \w{8}$/,
    );
  });

  it('with consistently, fails at the first state that is not Pending', async () => {
    await createPod(f, 'p3');
    const holding = consistentlyPod(f.conn, f.ns, 'p3', { for: '2s' }).toBePending();
    await setPodStatus(f, 'p3', { phase: 'Failed' });
    const message = await failureOf(holding);
    expect(gist(message)).to.match(
      /^Failed after T of 2s: expected pod m-pending\/p3 to be Pending throughout, but it was not\.\n {2}violation: Failed unscheduled, uid \w{8}$/,
    );
  });
});
