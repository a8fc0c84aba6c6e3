import type * as k8s from '@kubernetes/client-node';
import { expect } from 'chai';
import { type Cluster, kindPreset, startCluster } from '../index.ts';
import { stopWithoutOwnErrors } from '../testing/own-errors.ts';
import { clientsFor, statusOf, until } from '../testing/clients.ts';

describe('simulated garbage collector', () => {
  let cluster: Cluster;
  let core: k8s.CoreV1Api;
  const namespace = 'default';

  before(async () => {
    // Containers ignore SIGTERM, so terminating pods stay for their whole (scaled) grace period.
    const preset = { ...kindPreset(), latencies: { containerStop: { min: 600_000, max: 600_000 } } };
    cluster = await startCluster({ preset, timeScale: 0.01, seed: 21 });
    core = clientsFor(cluster).core;
  });
  after(() => stopWithoutOwnErrors(cluster));

  async function owner(name: string): Promise<k8s.V1OwnerReference> {
    const cm = await core.createNamespacedConfigMap({ namespace, body: { metadata: { name } } });
    return { apiVersion: 'v1', kind: 'ConfigMap', name, uid: cm.metadata!.uid!, blockOwnerDeletion: true };
  }

  const gone = (what: string, read: () => Promise<unknown>) =>
    until(`${what} to be deleted`, async () => ((await statusOf(read())) === 404 ? true : undefined));

  it('deletes dependents in the background once their owner is gone', async () => {
    const ref = await owner('bg-owner');
    await core.createNamespacedConfigMap({
      namespace,
      body: { metadata: { name: 'bg-child', ownerReferences: [ref] } },
    });
    await core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: 'bg-pod', ownerReferences: [ref] },
        spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] },
      },
    });
    await core.deleteNamespacedConfigMap({ namespace, name: 'bg-owner' });
    await gone('the dependent config map', () =>
      core.readNamespacedConfigMap({ namespace, name: 'bg-child' }),
    );
    await gone('the dependent pod', () => core.readNamespacedPod({ namespace, name: 'bg-pod' }));
  });

  it('keeps a dependent that still has another owner, dropping only the dangling reference', async () => {
    const first = await owner('multi-a');
    const second = await owner('multi-b');
    await core.createNamespacedConfigMap({
      namespace,
      body: { metadata: { name: 'multi-child', ownerReferences: [first, second] } },
    });
    await core.deleteNamespacedConfigMap({ namespace, name: 'multi-a' });
    const child = await until('the dangling reference to be removed', async () => {
      const cm = await core.readNamespacedConfigMap({ namespace, name: 'multi-child' });
      return cm.metadata?.ownerReferences?.length === 1 ? cm : undefined;
    });
    expect(child.metadata?.ownerReferences?.[0]?.name).to.equal('multi-b');
  });

  it('keeps a foreground-deleted owner with its finalizer until its blocking dependents are gone', async () => {
    const ref = await owner('fg-owner');
    await core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: 'fg-pod', ownerReferences: [ref] },
        spec: { terminationGracePeriodSeconds: 30, containers: [{ name: 'c', image: 'nginx:1.27' }] },
      },
    });
    await until('the dependent pod to run', async () => {
      const pod = await core.readNamespacedPod({ namespace, name: 'fg-pod' });
      return pod.status?.phase === 'Running' ? true : undefined;
    });
    await core.deleteNamespacedConfigMap({ namespace, name: 'fg-owner', propagationPolicy: 'Foreground' });
    const marked = await core.readNamespacedConfigMap({ namespace, name: 'fg-owner' });
    expect(marked.metadata?.finalizers).to.deep.equal(['foregroundDeletion']);
    const terminating = await until('the dependent pod to be terminating', async () => {
      const pod = await core.readNamespacedPod({ namespace, name: 'fg-pod' }).catch(() => undefined);
      return pod?.metadata?.deletionTimestamp ? pod : undefined;
    });
    expect(terminating.metadata?.name).to.equal('fg-pod');
    expect(await statusOf(core.readNamespacedConfigMap({ namespace, name: 'fg-owner' }))).to.equal(undefined);
    await gone('the dependent pod', () => core.readNamespacedPod({ namespace, name: 'fg-pod' }));
    await gone('the owner', () => core.readNamespacedConfigMap({ namespace, name: 'fg-owner' }));
  });

  it('orphans dependents of an owner deleted with the Orphan policy', async () => {
    const ref = await owner('orphan-owner');
    await core.createNamespacedConfigMap({
      namespace,
      body: { metadata: { name: 'orphan-child', ownerReferences: [ref] } },
    });
    await core.deleteNamespacedConfigMap({ namespace, name: 'orphan-owner', propagationPolicy: 'Orphan' });
    await gone('the owner', () => core.readNamespacedConfigMap({ namespace, name: 'orphan-owner' }));
    const child = await core.readNamespacedConfigMap({ namespace, name: 'orphan-child' });
    expect(child.metadata?.ownerReferences ?? []).to.deep.equal([]);
  });
});
