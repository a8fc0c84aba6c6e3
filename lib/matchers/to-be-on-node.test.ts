import { expect } from 'chai';
import { consistentlyPod, eventuallyPod } from './index.ts';
import { createPod, deletePod, failureOf, gist, useSim } from './testing/sim-fixture.ts';

describe('toBeOnNode', () => {
  const f = useSim('m-onnode');

  it('passes when the pod is bound to the node', async () => {
    await createPod(f, 'o1', { nodeName: 'w1' });
    await eventuallyPod(f.conn, f.ns, 'o1', { timeout: '1s' }).toBeOnNode('w1');
  });

  it('fails when it is elsewhere', async () => {
    await createPod(f, 'o2', { nodeName: 'w2' });
    const message = await failureOf(eventuallyPod(f.conn, f.ns, 'o2', { timeout: '1s' }).toBeOnNode('w1'));
    expect(gist(message)).to.match(
      /^Timed out after T of 1s: expected pod m-onnode\/o2 to be on node w1\.\n {2}last seen: Pending on w2, uid \w{8}$/,
    );
  });

  it('with consistently, catches a pod deleted and recreated elsewhere in between', async () => {
    await createPod(f, 'o3', { nodeName: 'w1' });
    const holding = consistentlyPod(f.conn, f.ns, 'o3', { for: '2s' }).toBeOnNode('w1');
    await deletePod(f, 'o3');
    await createPod(f, 'o3', { nodeName: 'w1' });
    const message = await failureOf(holding);
    expect(gist(message)).to.equal(
      'Failed after T of 2s: expected pod m-onnode/o3 to be on node w1 throughout, but it was not.\n  violation: the pod does not exist',
    );
  });
});
