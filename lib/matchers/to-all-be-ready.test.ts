import { expect } from 'chai';
import { eventuallyPods } from './index.ts';
import { createPod, failureOf, gist, setPodStatus, useSim } from './testing/sim-fixture.ts';

describe('toAllBeReady', () => {
  const f = useSim('m-allready');

  it('passes when every selected pod is Ready', async () => {
    await createPod(f, 'db-1', { labels: { app: 'db' }, nodeName: 'w1' });
    await createPod(f, 'db-2', { labels: { app: 'db' }, nodeName: 'w2' });
    const waiting = eventuallyPods(
      f.conn,
      f.ns,
      { labelSelector: 'app=db' },
      { timeout: '30s' },
    ).toAllBeReady();
    await setPodStatus(f, 'db-1', { phase: 'Running', ready: true });
    await setPodStatus(f, 'db-2', { phase: 'Running', ready: true });
    expect(await waiting).to.have.length(2);
  });

  it('fails naming the pods that are not Ready', async () => {
    await createPod(f, 'web-1', { labels: { app: 'web' } });
    const message = await failureOf(
      eventuallyPods(f.conn, f.ns, { labelSelector: 'app=web' }, { timeout: '1s' }).toAllBeReady(),
    );
    expect(gist(message)).to.equal(
      'Timed out after T of 1s: expected pods in m-allready with app=web to all be Ready.\n  last seen: 1 of 1 not Ready: web-1',
    );
  });

  it('fails when nothing matches, rather than passing vacuously', async () => {
    const message = await failureOf(
      eventuallyPods(f.conn, f.ns, { labelSelector: 'app=none' }, { timeout: '1s' }).toAllBeReady(),
    );
    expect(message.split('\n')[1]).to.equal('  last seen: no pods match');
  });
});
