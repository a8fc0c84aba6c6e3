import { expect } from 'chai';
import { eventuallyPod } from './index.ts';
import { createPod, failureOf, gist, useSim } from './testing/sim-fixture.ts';

describe('toBeScheduled', () => {
  const f = useSim('m-scheduled');

  it('passes once the pod is bound to a node', async () => {
    await createPod(f, 's1');
    const waiting = eventuallyPod(f.conn, f.ns, 's1', { timeout: '30s' }).toBeScheduled();
    await f.conn.core.createNamespacedPodBinding({
      namespace: f.ns,
      name: 's1',
      body: { metadata: { name: 's1' }, target: { kind: 'Node', name: 'w2' } },
    });
    expect((await waiting).spec?.nodeName).to.equal('w2');
  });

  it('fails for an unscheduled pod', async () => {
    await createPod(f, 's2');
    const message = await failureOf(eventuallyPod(f.conn, f.ns, 's2', { timeout: '1s' }).toBeScheduled());
    expect(gist(message)).to.match(
      /^Timed out after T of 1s: expected pod m-scheduled\/s2 to be scheduled\.\n {2}last seen: Pending unscheduled, uid \w{8}$/,
    );
  });
});
