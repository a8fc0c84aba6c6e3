import * as k8s from '@kubernetes/client-node';
import { expect } from 'chai';
import { type Cluster, startCluster } from '../cluster.ts';
import { type Clients, clientsFor, until } from '../testing/clients.ts';
import { disruptionController } from './disruption.ts';

const NS = 'default';
const mergePatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);

describe('disruption controller', () => {
  let cluster: Cluster;
  let api: Clients;

  const setReady = (name: string, ready: boolean) =>
    api.core.patchNamespacedPodStatus(
      {
        name,
        namespace: NS,
        body: {
          status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
        },
      },
      mergePatch,
    );

  const pod = async (name: string, labels: Record<string, string>, owner?: k8s.V1OwnerReference) => {
    await api.core.createNamespacedPod({
      namespace: NS,
      body: {
        metadata: { name, labels, ...(owner ? { ownerReferences: [owner] } : {}) },
        spec: { containers: [{ name: 'c', image: 'nginx' }] },
      },
    });
    await setReady(name, true);
  };

  const pdb = (name: string, spec: k8s.V1PodDisruptionBudgetSpec) =>
    api.policy.createNamespacedPodDisruptionBudget({ namespace: NS, body: { metadata: { name }, spec } });

  /** The PDB's status once `check` accepts it. */
  const statusOf = (name: string, what: string, check: (s: k8s.V1PodDisruptionBudgetStatus) => boolean) =>
    until(
      `${name} status: ${what}`,
      async () => {
        const got = await api.policy.readNamespacedPodDisruptionBudget({ name, namespace: NS });
        return got.status && check(got.status) ? got.status : undefined;
      },
      5000,
      async () => (await api.policy.readNamespacedPodDisruptionBudget({ name, namespace: NS })).status,
    );

  const numbers = (s: k8s.V1PodDisruptionBudgetStatus) => ({
    expectedPods: s.expectedPods,
    currentHealthy: s.currentHealthy,
    desiredHealthy: s.desiredHealthy,
    disruptionsAllowed: s.disruptionsAllowed,
    observedGeneration: s.observedGeneration,
  });

  const condition = (s: k8s.V1PodDisruptionBudgetStatus) => {
    const c = s.conditions?.find((x) => x.type === 'DisruptionAllowed');
    return c && { status: c.status, reason: c.reason, message: c.message };
  };

  const eventsOf = async (name: string) =>
    (await api.core.listNamespacedEvent({ namespace: NS, fieldSelector: `involvedObject.name=${name}` }))
      .items;

  /** A CloudNativePG Cluster (it serves /scale from spec.instances) to own pods; no operator runs here. */
  const cnpgOwner = async (name: string, instances: number): Promise<k8s.V1OwnerReference> => {
    const created = (await api.custom.createNamespacedCustomObject({
      group: 'postgresql.cnpg.io',
      version: 'v1',
      namespace: NS,
      plural: 'clusters',
      body: {
        apiVersion: 'postgresql.cnpg.io/v1',
        kind: 'Cluster',
        metadata: { name },
        spec: { instances, storage: { size: '1Gi' } },
      },
    })) as { metadata: { uid: string } };
    return {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Cluster',
      name,
      uid: created.metadata.uid,
      controller: true,
    };
  };

  before(async () => {
    cluster = await startCluster({ controllers: [disruptionController()], timeScale: 0.01, seed: 3 });
    api = clientsFor(cluster);
    for (const name of ['web-0', 'web-1', 'web-2']) await pod(name, { app: 'web' });
  });

  after(async () => {
    await cluster.stop();
    expect(cluster.runtime.errors.filter((e) => !e.message.includes('does not implement'))).to.deep.equal([]);
  });

  it('computes minAvailable as an integer against the pods that match', async () => {
    await pdb('web-pdb', { minAvailable: 2, selector: { matchLabels: { app: 'web' } } });
    const s = await statusOf('web-pdb', 'observed', (x) => x.observedGeneration === 1);
    expect(numbers(s)).to.deep.equal({
      expectedPods: 3,
      currentHealthy: 3,
      desiredHealthy: 2,
      disruptionsAllowed: 1,
      observedGeneration: 1,
    });
    expect(condition(s)).to.deep.equal({ status: 'True', reason: 'SufficientPods', message: '' });
  });

  it('allows no disruption once a pod stops being Ready', async () => {
    await setReady('web-2', false);
    const s = await statusOf('web-pdb', 'two healthy', (x) => x.currentHealthy === 2);
    expect(numbers(s)).to.deep.include({
      expectedPods: 3,
      currentHealthy: 2,
      desiredHealthy: 2,
      disruptionsAllowed: 0,
    });
    expect(condition(s)).to.deep.equal({ status: 'False', reason: 'InsufficientPods', message: '' });
  });

  it('follows a spec change with observedGeneration', async () => {
    await api.policy.patchNamespacedPodDisruptionBudget(
      { name: 'web-pdb', namespace: NS, body: { spec: { minAvailable: 1 } } },
      mergePatch,
    );
    const s = await statusOf('web-pdb', 'generation 2', (x) => x.observedGeneration === 2);
    expect(numbers(s)).to.deep.equal({
      expectedPods: 3,
      currentHealthy: 2,
      desiredHealthy: 1,
      disruptionsAllowed: 1,
      observedGeneration: 2,
    });
  });

  it('recomputes after an eviction consumed the budget and the pod went away', async () => {
    await setReady('web-2', true);
    await api.policy.patchNamespacedPodDisruptionBudget(
      { name: 'web-pdb', namespace: NS, body: { spec: { minAvailable: 2 } } },
      mergePatch,
    );
    await statusOf(
      'web-pdb',
      'one disruption allowed',
      (x) => x.observedGeneration === 3 && x.disruptionsAllowed === 1,
    );
    await api.core.createNamespacedPodEviction({
      name: 'web-0',
      namespace: NS,
      body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'web-0', namespace: NS } },
    });
    const s = await statusOf('web-pdb', 'two pods left', (x) => x.expectedPods === 2);
    expect(numbers(s)).to.deep.equal({
      expectedPods: 2,
      currentHealthy: 2,
      desiredHealthy: 2,
      disruptionsAllowed: 0,
      observedGeneration: 3,
    });
    expect(s.disruptedPods).to.equal(undefined);
  });

  it('drops a disruptedPods entry whose pod was not deleted in time, with a NotDeleted warning', async () => {
    const stamp = `${new Date().toISOString().slice(0, 19)}Z`;
    const current = await api.policy.readNamespacedPodDisruptionBudget({ name: 'web-pdb', namespace: NS });
    await api.policy.replaceNamespacedPodDisruptionBudgetStatus({
      name: 'web-pdb',
      namespace: NS,
      body: {
        ...current,
        status: { ...current.status!, disruptedPods: { 'web-1': stamp as unknown as Date } },
      },
    });
    const held = await statusOf('web-pdb', 'web-1 disrupted', (x) => x.currentHealthy === 1);
    expect(Object.keys(held.disruptedPods ?? {})).to.deep.equal(['web-1']);
    // DeletionTimeout is 2 minutes, 1.2 s at this time scale.
    const lapsed = await statusOf('web-pdb', 'entry lapsed', (x) => x.currentHealthy === 2);
    expect(lapsed.disruptedPods).to.equal(undefined);
    const warning = (await eventsOf('web-1')).find((e) => e.reason === 'NotDeleted');
    expect(warning?.type).to.equal('Warning');
    expect(warning?.message).to.equal("Pod was expected by PDB default/default to be deleted but it wasn't");
  });

  it('takes maxUnavailable against the owning controller’s scale', async () => {
    const owner = await cnpgOwner('pg', 3);
    await pod('pg-1', { cnpg: 'pg' }, owner);
    await pod('pg-2', { cnpg: 'pg' }, owner);
    await pdb('pg-pdb', { maxUnavailable: 1, selector: { matchLabels: { cnpg: 'pg' } } });
    const s = await statusOf('pg-pdb', 'observed', (x) => x.observedGeneration === 1);
    expect(numbers(s)).to.deep.equal({
      expectedPods: 3,
      currentHealthy: 2,
      desiredHealthy: 2,
      disruptionsAllowed: 0,
      observedGeneration: 1,
    });
  });

  it('rounds a minAvailable percentage up against the controller’s scale', async () => {
    const owner = await cnpgOwner('pg5', 5);
    for (const name of ['pg5-1', 'pg5-2', 'pg5-3', 'pg5-4', 'pg5-5']) await pod(name, { cnpg: 'pg5' }, owner);
    await pdb('pg5-pdb', { minAvailable: '50%', selector: { matchLabels: { cnpg: 'pg5' } } });
    const s = await statusOf('pg5-pdb', 'observed', (x) => x.observedGeneration === 1);
    expect(numbers(s)).to.deep.include({
      expectedPods: 5,
      currentHealthy: 5,
      desiredHealthy: 3,
      disruptionsAllowed: 2,
    });
  });

  it('warns about unmanaged pods and allows nothing when it cannot count what to expect', async () => {
    await pdb('loose-pdb', { maxUnavailable: 1, selector: { matchLabels: { app: 'web' } } });
    const s = await statusOf('loose-pdb', 'observed', (x) => x.observedGeneration === 1);
    expect(numbers(s)).to.deep.include({ expectedPods: 0, desiredHealthy: 0, disruptionsAllowed: 0 });
    const warning = (await eventsOf('loose-pdb')).find((e) => e.reason === 'UnmanagedPods');
    expect(warning?.message).to.equal(
      'Pods selected by this PodDisruptionBudget (selector: &LabelSelector{MatchLabels:map[string]string{app: web,},MatchExpressions:[]LabelSelectorRequirement{},}) were found to be unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. To account for these pods please set ".spec.minAvailable" field of the PDB to an integer value.',
    );
  });

  it('fails safe when the pods’ controller has no scale subresource', async () => {
    const job = await api.batch.createNamespacedJob({
      namespace: NS,
      body: {
        metadata: { name: 'batch' },
        spec: {
          template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } },
        },
      },
    });
    const owner = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      name: 'batch',
      uid: job.metadata!.uid!,
      controller: true,
    };
    await pod('batch-1', { job: 'batch' }, owner);
    await pdb('batch-pdb', { minAvailable: '50%', selector: { matchLabels: { job: 'batch' } } });
    const s = await statusOf('batch-pdb', 'sync failed', (x) => condition(x)?.reason === 'SyncFailed');
    expect(condition(s)).to.deep.equal({
      status: 'False',
      reason: 'SyncFailed',
      message: 'jobs.batch does not implement the scale subresource',
    });
    expect(s.disruptionsAllowed).to.equal(0);
  });

  it('reports a budget that selects no pods', async () => {
    await pdb('empty-pdb', { minAvailable: 1, selector: { matchLabels: { app: 'nothing' } } });
    const s = await statusOf('empty-pdb', 'observed', (x) => x.observedGeneration === 1);
    expect(numbers(s)).to.deep.include({ expectedPods: 0, currentHealthy: 0, disruptionsAllowed: 0 });
    const noPods = (await eventsOf('empty-pdb')).find((e) => e.reason === 'NoPods');
    expect(noPods?.message).to.equal('No matching pods found');
  });

  it('resets the DisruptionTarget condition of a pod that was not deleted after all', async () => {
    await pod('marked', { app: 'marked' });
    const stamp = `${new Date().toISOString().slice(0, 19)}Z`;
    await api.core.patchNamespacedPodStatus(
      {
        name: 'marked',
        namespace: NS,
        body: {
          status: {
            conditions: [
              { type: 'Ready', status: 'True' },
              {
                type: 'DisruptionTarget',
                status: 'True',
                reason: 'EvictionByEvictionAPI',
                message: 'Eviction API: evicting',
                lastTransitionTime: stamp as unknown as Date,
              },
            ],
          },
        },
      },
      mergePatch,
    );
    // The stale timeout is 2 minutes, 1.2 s at this time scale.
    const reset = await until('the condition to be reset', async () => {
      const p = await api.core.readNamespacedPod({ name: 'marked', namespace: NS });
      const c = p.status?.conditions?.find((x) => x.type === 'DisruptionTarget');
      return c?.status === 'False' ? c : undefined;
    });
    expect(reset).to.deep.include({ reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting' });
  });
});
