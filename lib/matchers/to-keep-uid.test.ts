import { expect } from 'chai';
import { consistentlyPvc, eventuallyPod } from './index.ts';
import { createPod, deletePod, failureOf, gist, useSim } from './testing/sim-fixture.ts';

describe('toKeepUid', () => {
  const f = useSim('m-uid');

  it('passes while the same instance exists', async () => {
    await f.conn.core.createNamespacedPersistentVolumeClaim({
      namespace: f.ns,
      body: {
        metadata: { name: 'data-1' },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
      },
    });
    const before = await f.conn.getPvc(f.ns, 'data-1');
    await consistentlyPvc(f.conn, f.ns, 'data-1', { for: '1s' }).toKeepUid(before);
  });

  it('fails at once, without waiting for the deadline, when the object was replaced', async () => {
    await createPod(f, 'k1');
    const before = await f.conn.getPod(f.ns, 'k1');
    await deletePod(f, 'k1');
    await createPod(f, 'k1');
    const started = Date.now();
    const message = await failureOf(eventuallyPod(f.conn, f.ns, 'k1', { timeout: '1m' }).toKeepUid(before));
    expect(Date.now() - started).to.be.below(1000);
    expect(gist(message)).to.match(
      /^Gave up after T of 1m: expected pod m-uid\/k1 to keep UID \w{8}, and that can no longer happen\.\n {2}last seen: UID is \w{8}, a new instance$/,
    );
  });
});
