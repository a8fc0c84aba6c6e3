import { expect } from 'chai';
import { eventuallyPod, eventuallyStatefulSet } from './index.ts';
import { deletePod, failureOf, gist, type SimFixture, useSim } from './testing/sim-fixture.ts';
import { createStatefulSet, useWorkloadCluster } from './testing/workload-fixture.ts';

async function createClaim(f: SimFixture, name: string) {
  return f.conn.core.createNamespacedPersistentVolumeClaim({
    namespace: f.ns,
    body: {
      metadata: { name },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    },
  });
}

/** Deletes a claim and waits until it is gone (a real server first lifts its pvc-protection finalizer). */
async function deleteClaim(f: SimFixture, name: string) {
  await f.conn.core.deleteNamespacedPersistentVolumeClaim({ namespace: f.ns, name, gracePeriodSeconds: 0 });
  const end = Date.now() + 30_000;
  while ((await f.conn.findPvc(f.ns, name)) !== undefined) {
    if (Date.now() > end) throw new Error(`claim ${name} still exists 30 s after its deletion`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A pod mounting `claim`, as a StatefulSet or the CNPG operator creates it. */
async function createPodOn(f: SimFixture, name: string, claim: string, nodeName: string) {
  return f.conn.core.createNamespacedPod({
    namespace: f.ns,
    body: {
      metadata: { name },
      spec: {
        nodeName,
        containers: [{ name: 'c', image: 'postgres', volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
        volumes: [{ name: 'data', persistentVolumeClaim: { claimName: claim } }],
      },
    },
  });
}

describe('toReuseClaims', () => {
  const f = useSim('m-claims');

  it('passes when a new instance of the pod mounts the same claim object', async () => {
    await createClaim(f, 'data-a');
    const before = await createPodOn(f, 'a', 'data-a', 'w1');
    const claims = [await f.conn.getPvc(f.ns, 'data-a')];
    const waiting = eventuallyPod(f.conn, f.ns, 'a', { timeout: '30s' }).toReuseClaims({
      baseline: before,
      claims,
    });
    await deletePod(f, 'a');
    await createPodOn(f, 'a', 'data-a', 'w2');
    const pod = await waiting;
    expect(pod.metadata?.uid).to.not.equal(before.metadata?.uid);
    expect(pod.spec?.nodeName).to.equal('w2');
  });

  it('waits while the original instance is still there', async () => {
    await createClaim(f, 'data-b');
    const before = await createPodOn(f, 'b', 'data-b', 'w1');
    const message = await failureOf(
      eventuallyPod(f.conn, f.ns, 'b', { timeout: '1s' }).toReuseClaims({ baseline: before }),
    );
    expect(gist(message)).to.match(
      /^Timed out after T of 1s: expected pod m-claims\/b to come back as a new instance on the same claims \(data-b\)\.\n {2}last seen: still the original instance \(uid \w{8}\)$/,
    );
    expect(message).to.match(/ {2}state: Pending, on w1, uid \w{8}; claims data-b \(uid \w{8}\)\n/);
  });

  it('fails at once when the claim was replaced under the same name', async () => {
    await createClaim(f, 'data-c');
    const before = await createPodOn(f, 'c', 'data-c', 'w1');
    const claims = [await f.conn.getPvc(f.ns, 'data-c')];
    await deletePod(f, 'c');
    await deleteClaim(f, 'data-c');
    await createClaim(f, 'data-c');
    await createPodOn(f, 'c', 'data-c', 'w2');
    const message = await failureOf(
      eventuallyPod(f.conn, f.ns, 'c', { timeout: '1m' }).toReuseClaims({ baseline: before, claims }),
    );
    expect(gist(message)).to.match(
      /^Gave up after T of 1m: expected pod m-claims\/c to come back as a new instance on the same claims \(data-c\), and that can no longer happen\.\n {2}last seen: claim data-c is a new claim \(uid \w{8}, was \w{8}\)$/,
    );
  });

  it('rejects a baseline that mounts no claim, at the call', async () => {
    const bare = await f.conn.core.createNamespacedPod({
      namespace: f.ns,
      body: { metadata: { name: 'bare' }, spec: { containers: [{ name: 'c', image: 'postgres' }] } },
    });
    expect(() => eventuallyPod(f.conn, f.ns, 'bare').toReuseClaims({ baseline: bare })).to.throw(
      TypeError,
      'toReuseClaims: the baseline pod bare mounts no PersistentVolumeClaim',
    );
  });

  describe('with the simulator’s StatefulSet controller', () => {
    const real = useWorkloadCluster('m-claims-real');

    it('passes when a deleted StatefulSet pod comes back on its claim', async () => {
      await createStatefulSet(real, 'db', { replicas: 2, claimSize: '1Gi' });
      await eventuallyStatefulSet(real.conn, real.ns, 'db', { timeout: '60s' }).toBeReady();
      const before = await real.conn.getPod(real.ns, 'db-1');
      const claims = [await real.conn.getPvc(real.ns, 'data-db-1')];
      await real.conn.core.deleteNamespacedPod({ namespace: real.ns, name: 'db-1' });
      const pod = await eventuallyPod(real.conn, real.ns, 'db-1', { timeout: '60s' }).toReuseClaims({
        baseline: before,
        claims,
      });
      expect(pod.metadata?.uid).to.not.equal(before.metadata?.uid);
      expect(pod.spec?.volumes?.find((v) => v.name === 'data')?.persistentVolumeClaim?.claimName).to.equal(
        'data-db-1',
      );
    });
  });
});
