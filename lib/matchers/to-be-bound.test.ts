import { expect } from 'chai';
import { eventuallyPvc } from './index.ts';
import { failureOf, gist, useSim } from './testing/sim-fixture.ts';

describe('toBeBound', () => {
  const f = useSim('m-bound');

  const claim = (name: string) =>
    f.conn.core.createNamespacedPersistentVolumeClaim({
      namespace: f.ns,
      body: {
        metadata: { name },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
      },
    });

  it('passes when the claim is Bound', async () => {
    await claim('b1');
    const waiting = eventuallyPvc(f.conn, f.ns, 'b1', { timeout: '30s' }).toBeBound();
    const pvc = await f.conn.getPvc(f.ns, 'b1');
    pvc.spec = { ...pvc.spec, volumeName: 'pv-b1' };
    await f.conn.core.replaceNamespacedPersistentVolumeClaim({ namespace: f.ns, name: 'b1', body: pvc });
    const bound = await f.conn.getPvc(f.ns, 'b1');
    bound.status = { ...bound.status, phase: 'Bound' };
    await f.conn.core.replaceNamespacedPersistentVolumeClaimStatus({
      namespace: f.ns,
      name: 'b1',
      body: bound,
    });
    expect((await waiting).spec?.volumeName).to.equal('pv-b1');
  });

  it('fails for a Pending claim', async () => {
    await claim('b2');
    const message = await failureOf(eventuallyPvc(f.conn, f.ns, 'b2', { timeout: '1s' }).toBeBound());
    expect(gist(message)).to.match(
      /^Timed out after T of 1s: expected persistentvolumeclaim m-bound\/b2 to be Bound\.\n {2}last seen: Pending, uid \w{8}$/,
    );
  });
});
