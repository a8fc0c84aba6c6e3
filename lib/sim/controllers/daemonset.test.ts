import * as k8s from '@kubernetes/client-node';
import { expect } from 'chai';
import { type Cluster, startCluster } from '../index.ts';
import { stopWithoutOwnErrors } from '../testing/own-errors.ts';
import { clientsFor, until } from '../testing/clients.ts';

describe('simulated DaemonSet controller (kind preset)', () => {
  let cluster: Cluster;
  let core: k8s.CoreV1Api;
  let apps: k8s.AppsV1Api;
  const namespace = 'default';

  before(async () => {
    cluster = await startCluster({ preset: 'kind', timeScale: 0.01, seed: 8 });
    ({ core, apps } = clientsFor(cluster));
  });
  after(() => stopWithoutOwnErrors(cluster));

  const podsOf = async (app: string) =>
    (await core.listNamespacedPod({ namespace, labelSelector: `app=${app}` })).items;

  const allReady = (name: string, want: number) =>
    until(`daemonset ${name} to have ${want} ready pods`, async () => {
      const ds = await apps.readNamespacedDaemonSet({ namespace, name });
      return ds.status?.numberReady === want && ds.status.desiredNumberScheduled === want ? ds : undefined;
    });

  const daemonSet = (name: string, spec: Partial<k8s.V1PodSpec> = {}): k8s.V1DaemonSet => ({
    metadata: { name },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name, image: 'fluentd:v1' }], ...spec },
      },
    },
  });

  it('runs one pod on each node its pods tolerate, pinned there by node affinity', async () => {
    await apps.createNamespacedDaemonSet({ namespace, body: daemonSet('agent') });
    const ds = await allReady('agent', 3);
    const pods = await podsOf('agent');
    expect(pods.map((p) => p.spec?.nodeName).sort()).to.deep.equal([
      'kind-worker',
      'kind-worker2',
      'kind-worker3',
    ]);
    for (const pod of pods) {
      expect(pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution).to.deep.equal({
        nodeSelectorTerms: [
          { matchFields: [{ key: 'metadata.name', operator: 'In', values: [pod.spec?.nodeName] }] },
        ],
      });
      expect(pod.metadata?.ownerReferences).to.deep.equal([
        {
          apiVersion: 'apps/v1',
          kind: 'DaemonSet',
          name: 'agent',
          uid: ds.metadata!.uid!,
          controller: true,
          blockOwnerDeletion: true,
        },
      ]);
      expect(pod.spec?.tolerations).to.deep.include({
        key: 'node.kubernetes.io/unschedulable',
        operator: 'Exists',
        effect: 'NoSchedule',
      });
    }
    expect(ds.status).to.deep.include({
      currentNumberScheduled: 3,
      numberMisscheduled: 0,
      numberAvailable: 3,
    });
  });

  it('includes the control plane when the pods tolerate its taint', async () => {
    await apps.createNamespacedDaemonSet({
      namespace,
      body: daemonSet('everywhere', { tolerations: [{ operator: 'Exists' }] }),
    });
    await allReady('everywhere', 4);
    const nodes = (await podsOf('everywhere')).map((p) => p.spec?.nodeName).sort();
    expect(nodes).to.deep.equal(['kind-control-plane', 'kind-worker', 'kind-worker2', 'kind-worker3']);
  });

  it('keeps its pod on a cordoned node and replaces a deleted one', async () => {
    await apps.createNamespacedDaemonSet({ namespace, body: daemonSet('sticky') });
    await allReady('sticky', 3);
    await core.patchNode({
      name: 'kind-worker2',
      body: [{ op: 'add', path: '/spec/unschedulable', value: true }],
    });
    const victim = (await podsOf('sticky')).find((p) => p.spec?.nodeName === 'kind-worker2')!;
    await core.deleteNamespacedPod({ namespace, name: victim.metadata!.name!, gracePeriodSeconds: 0 });
    const replacement = await until('a new pod on kind-worker2', async () => {
      const pod = (await podsOf('sticky')).find(
        (p) => p.spec?.nodeName === 'kind-worker2' && p.metadata?.uid !== victim.metadata?.uid,
      );
      return pod?.status?.phase === 'Running' ? pod : undefined;
    });
    expect(replacement.metadata?.name).to.not.equal(victim.metadata?.name);
    await core.patchNode({
      name: 'kind-worker2',
      body: [{ op: 'add', path: '/spec/unschedulable', value: false }],
    });
  });

  it('rolls a template change out one node at a time', async () => {
    await apps.createNamespacedDaemonSet({ namespace, body: daemonSet('rolling') });
    await allReady('rolling', 3);
    let worst = 0;
    const req = await new k8s.Watch(clientsFor(cluster).kc).watch(
      `/apis/apps/v1/namespaces/${namespace}/daemonsets`,
      { fieldSelector: 'metadata.name=rolling' },
      (_t: string, ds: k8s.V1DaemonSet) => {
        worst = Math.max(worst, ds.status?.numberUnavailable ?? 0);
      },
      () => {},
    );
    await apps.patchNamespacedDaemonSet({
      namespace,
      name: 'rolling',
      body: [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'fluentd:v2' }],
    });
    await until('every pod to run the new image', async () => {
      const pods = (await podsOf('rolling')).filter((p) => !p.metadata?.deletionTimestamp);
      const ready = pods.filter((p) =>
        p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
      );
      return pods.length === 3 &&
        ready.every((p) => p.spec?.containers[0]?.image === 'fluentd:v2') &&
        ready.length === 3
        ? true
        : undefined;
    });
    req.abort();
    const ds = await allReady('rolling', 3);
    expect(ds.status?.updatedNumberScheduled).to.equal(3);
    expect(worst).to.equal(1);
  });

  it('ships kindnet and kube-proxy in kube-system on every node of the kind preset', async () => {
    for (const name of ['kindnet', 'kube-proxy']) {
      const ds = await until(`${name} ready`, async () => {
        const d = await apps.readNamespacedDaemonSet({ namespace: 'kube-system', name });
        return d.status?.numberReady === 4 ? d : undefined;
      });
      expect(ds.status?.desiredNumberScheduled).to.equal(4);
    }
  });
});
