import { expect } from 'chai';
import { eventuallyPods } from './index.ts';
import { createPod, failureOf, gist, useSim } from './testing/sim-fixture.ts';

describe('toHaveCount', () => {
  const f = useSim('m-count');

  it('passes when the selector picks exactly that many', async () => {
    await createPod(f, 'a-1', { labels: { app: 'a' } });
    await createPod(f, 'b-1', { labels: { app: 'b' } });
    const pods = await eventuallyPods(
      f.conn,
      f.ns,
      { labelSelector: 'app=a' },
      { timeout: '1s' },
    ).toHaveCount(1);
    expect(pods.map((p) => p.metadata?.name)).to.deep.equal(['a-1']);
  });

  it('fails with how many matched and which', async () => {
    await createPod(f, 'c-1', { labels: { app: 'c' } });
    const message = await failureOf(
      eventuallyPods(f.conn, f.ns, { labelSelector: 'app=c' }, { timeout: '1s' }).toHaveCount(3),
    );
    expect(gist(message)).to.equal(
      'Timed out after T of 1s: expected pods in m-count with app=c to number 3.\n  last seen: 1 match (c-1)',
    );
  });
});
