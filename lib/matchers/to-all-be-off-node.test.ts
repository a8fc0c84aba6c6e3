import { expect } from 'chai';
import { eventuallyPods } from './index.ts';
import { createPod, deletePod, failureOf, gist, useSim } from './testing/sim-fixture.ts';

describe('toAllBeOffNode', () => {
  const f = useSim('m-offnode');

  it('passes once no selected pod is on the node', async () => {
    await createPod(f, 'x-1', { labels: { app: 'x' }, nodeName: 'drained' });
    await createPod(f, 'x-2', { labels: { app: 'x' }, nodeName: 'other' });
    const waiting = eventuallyPods(
      f.conn,
      f.ns,
      { labelSelector: 'app=x' },
      { timeout: '30s' },
    ).toAllBeOffNode('drained');
    await deletePod(f, 'x-1');
    expect((await waiting).map((p) => p.metadata?.name)).to.deep.equal(['x-2']);
  });

  it('fails naming the pods still on it', async () => {
    await createPod(f, 'y-1', { labels: { app: 'y' }, nodeName: 'drained' });
    const message = await failureOf(
      eventuallyPods(f.conn, f.ns, { labelSelector: 'app=y' }, { timeout: '1s' }).toAllBeOffNode('drained'),
    );
    expect(gist(message)).to.equal(
      'Timed out after T of 1s: expected pods in m-offnode with app=y to all be off node drained.\n  last seen: 1 still on drained: y-1',
    );
  });
});
