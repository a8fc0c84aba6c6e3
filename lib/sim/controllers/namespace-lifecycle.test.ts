import type * as k8s from '@kubernetes/client-node';
import { expect } from 'chai';
import { type Cluster, kindPreset, startCluster } from '../index.ts';
import { stopWithoutOwnErrors } from '../testing/own-errors.ts';
import { clientsFor, statusOf, until } from '../testing/clients.ts';

describe('simulated namespace controller', () => {
  let cluster: Cluster;
  let core: k8s.CoreV1Api;

  before(async () => {
    // Containers ignore SIGTERM, so terminating pods stay for their whole (scaled) grace period.
    const preset = { ...kindPreset(), latencies: { containerStop: { min: 600_000, max: 600_000 } } };
    cluster = await startCluster({ preset, timeScale: 0.01, seed: 4 });
    core = clientsFor(cluster).core;
  });
  after(() => stopWithoutOwnErrors(cluster));

  it('empties a deleted namespace, reports what remains while it is Terminating, then removes it', async () => {
    const namespace = 'doomed';
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'settings' } } });
    await core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: 'web' },
        spec: { terminationGracePeriodSeconds: 20, containers: [{ name: 'c', image: 'nginx:1.27' }] },
      },
    });
    await until('the pod to run', async () => {
      const pod = await core.readNamespacedPod({ namespace, name: 'web' });
      return pod.status?.phase === 'Running' ? true : undefined;
    });
    await core.deleteNamespace({ name: namespace });
    const terminating = await until('the namespace to report remaining content', async () => {
      const ns = await core.readNamespace({ name: namespace });
      const remaining = ns.status?.conditions?.find((c) => c.type === 'NamespaceContentRemaining');
      return remaining?.status === 'True' ? ns : undefined;
    });
    expect(terminating.status?.phase).to.equal('Terminating');
    expect(
      terminating.status?.conditions?.find((c) => c.type === 'NamespaceContentRemaining'),
    ).to.deep.include({
      reason: 'SomeResourcesRemain',
      message: 'Some resources are remaining: pods. has 1 resource instances',
    });
    expect(await statusOf(core.readNamespacedConfigMap({ namespace, name: 'settings' }))).to.equal(404);
    await until('the namespace to be gone', async () =>
      (await statusOf(core.readNamespace({ name: namespace }))) === 404 ? true : undefined,
    );
  });

  it('refuses new content in a Terminating namespace', async () => {
    const namespace = 'closing';
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    await core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: 'web' },
        spec: { terminationGracePeriodSeconds: 30, containers: [{ name: 'c', image: 'nginx:1.27' }] },
      },
    });
    await until('the pod to run', async () => {
      const pod = await core.readNamespacedPod({ namespace, name: 'web' });
      return pod.status?.phase === 'Running' ? true : undefined;
    });
    await core.deleteNamespace({ name: namespace });
    const err = await core
      .createNamespacedConfigMap({ namespace, body: { metadata: { name: 'late' } } })
      .catch((e: { code: number; body: string }) => e);
    expect((err as { code: number }).code).to.equal(403);
    expect(JSON.parse((err as { body: string }).body).message).to.equal(
      `configmaps "late" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
    );
  });
});
