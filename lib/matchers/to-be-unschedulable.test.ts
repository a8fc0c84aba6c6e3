import { expect } from 'chai';
import { eventuallyPod } from './index.ts';
import { createPod, failureOf, gist, setPodStatus, useSim } from './testing/sim-fixture.ts';

describe('toBeUnschedulable', () => {
  const f = useSim('m-unsched');

  it('passes when the scheduler marks the pod Unschedulable', async () => {
    await createPod(f, 'u1');
    const waiting = eventuallyPod(f.conn, f.ns, 'u1', { timeout: '30s' }).toBeUnschedulable();
    await setPodStatus(f, 'u1', { unschedulable: '0/2 nodes are available: 2 node(s) were unschedulable.' });
    await waiting;
  });

  it('fails for a pod the scheduler has not judged, and shows its reason when it has', async () => {
    await createPod(f, 'u2');
    const message = await failureOf(eventuallyPod(f.conn, f.ns, 'u2', { timeout: '1s' }).toBeUnschedulable());
    expect(gist(message)).to.match(
      /^Timed out after T of 1s: expected pod m-unsched\/u2 to be Unschedulable\.\n {2}last seen: Pending unscheduled, uid \w{8}$/,
    );
    await setPodStatus(f, 'u2', { unschedulable: 'no nodes' });
    const notNow = await failureOf(
      eventuallyPod(f.conn, f.ns, 'u2', { timeout: '1s' }).not.toBeUnschedulable(),
    );
    expect(gist(notNow)).to.match(/last seen: Pending unscheduled \(Unschedulable: no nodes\), uid \w{8}$/);
  });
});
