import type * as k8s from '@kubernetes/client-node';
import { expect } from 'chai';
import { type Cluster, kindPreset, startCluster } from '../index.ts';
import { stopWithoutOwnErrors } from '../testing/own-errors.ts';
import { clientsFor, statusOf, until } from '../testing/clients.ts';

const DOWN = 'sim.kubexpect.io/node-down';

describe('simulated node lifecycle (kind preset)', () => {
  let cluster: Cluster;
  let core: k8s.CoreV1Api;
  const namespace = 'default';

  before(async () => {
    const preset = { ...kindPreset(), latencies: { nodeMonitorGrace: { min: 5000, max: 5000 } } };
    cluster = await startCluster({ preset, timeScale: 0.01, seed: 13 });
    core = clientsFor(cluster).core;
  });
  after(() => stopWithoutOwnErrors(cluster));

  const patchNode = (name: string, ops: object[]) => core.patchNode({ name, body: ops });
  const readyOf = (node: k8s.V1Node) => node.status?.conditions?.find((c) => c.type === 'Ready');

  it('taints a cordoned node unschedulable and records NodeNotSchedulable, and undoes both on uncordon', async () => {
    await patchNode('kind-worker3', [{ op: 'add', path: '/spec/unschedulable', value: true }]);
    const tainted = await until('the cordon taint', async () => {
      const node = await core.readNode({ name: 'kind-worker3' });
      return node.spec?.taints?.length ? node : undefined;
    });
    expect(tainted.spec?.taints?.map((t) => `${t.key}:${t.effect}`)).to.deep.equal([
      'node.kubernetes.io/unschedulable:NoSchedule',
    ]);
    await patchNode('kind-worker3', [{ op: 'add', path: '/spec/unschedulable', value: false }]);
    await until('the cordon taint to go', async () => {
      const node = await core.readNode({ name: 'kind-worker3' });
      return node.spec?.taints === undefined ? true : undefined;
    });
    const events = await core.listNamespacedEvent({
      namespace,
      fieldSelector: 'involvedObject.name=kind-worker3',
    });
    expect(events.items.map((e) => e.message)).to.include.members([
      'Node kind-worker3 status is now: NodeNotSchedulable',
      'Node kind-worker3 status is now: NodeSchedulable',
    ]);
  });

  it('marks a silent node Unknown and unreachable, evicts its pods after their toleration, and recovers', async () => {
    await core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: 'pinned' },
        spec: {
          nodeSelector: { 'kubernetes.io/hostname': 'kind-worker2' },
          tolerations: [
            {
              key: 'node.kubernetes.io/unreachable',
              operator: 'Exists',
              effect: 'NoExecute',
              tolerationSeconds: 30,
            },
          ],
          containers: [{ name: 'web', image: 'nginx:1.27' }],
        },
      },
    });
    await until('the pod to be Ready', async () => {
      const pod = await core.readNamespacedPod({ namespace, name: 'pinned' });
      return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')
        ? true
        : undefined;
    });
    await patchNode('kind-worker2', [
      { op: 'add', path: `/metadata/annotations/${DOWN.replace('/', '~1')}`, value: 'true' },
    ]);
    const unknown = await until('the node to be Unknown', async () => {
      const node = await core.readNode({ name: 'kind-worker2' });
      return readyOf(node)?.status === 'Unknown' && node.spec?.taints?.length === 2 ? node : undefined;
    });
    expect(readyOf(unknown)).to.deep.include({
      reason: 'NodeStatusUnknown',
      message: 'Kubelet stopped posting node status.',
    });
    expect(unknown.spec?.taints?.map((t) => `${t.key}:${t.effect}`)).to.deep.equal([
      'node.kubernetes.io/unreachable:NoSchedule',
      'node.kubernetes.io/unreachable:NoExecute',
    ]);
    const evicted = await until('the pod to be marked for deletion', async () => {
      const pod = await core.readNamespacedPod({ namespace, name: 'pinned' });
      return pod.metadata?.deletionTimestamp ? pod : undefined;
    });
    expect(evicted.status?.conditions?.find((c) => c.type === 'Ready')?.status).to.equal('False');
    expect(evicted.status?.conditions?.find((c) => c.type === 'DisruptionTarget')).to.deep.include({
      status: 'True',
      reason: 'DeletionByTaintManager',
    });
    // The kubelet is down, so nothing finishes the deletion: the pod stays Terminating.
    await new Promise((r) => setTimeout(r, 100));
    expect(await statusOf(core.readNamespacedPod({ namespace, name: 'pinned' }))).to.equal(undefined);
    await patchNode('kind-worker2', [
      { op: 'remove', path: `/metadata/annotations/${DOWN.replace('/', '~1')}` },
    ]);
    await until('the pod to be gone', async () =>
      (await statusOf(core.readNamespacedPod({ namespace, name: 'pinned' }))) === 404 ? true : undefined,
    );
    const back = await until('the node to be Ready again', async () => {
      const node = await core.readNode({ name: 'kind-worker2' });
      return readyOf(node)?.status === 'True' && !node.spec?.taints ? node : undefined;
    });
    expect(readyOf(back)?.reason).to.equal('KubeletReady');
  });

  it('runs DaemonSet pods on a node that joins, and collects them once the node is deleted', async () => {
    await core.createNode({
      body: {
        metadata: {
          name: 'kind-worker4',
          labels: { 'kubernetes.io/hostname': 'kind-worker4', 'kubernetes.io/os': 'linux' },
        },
        status: {
          conditions: [
            {
              type: 'Ready',
              status: 'True',
              reason: 'KubeletReady',
              message: 'kubelet is posting ready status',
            },
          ],
          addresses: [{ type: 'InternalIP', address: '172.18.0.9' }],
        },
      },
    });
    const onNode = async () =>
      (
        await core.listNamespacedPod({
          namespace: 'kube-system',
          fieldSelector: 'spec.nodeName=kind-worker4',
        })
      ).items;
    const running = await until('kindnet and kube-proxy to run on the new node', async () => {
      const pods = await onNode();
      return pods.length === 2 && pods.every((p) => p.status?.phase === 'Running') ? pods : undefined;
    });
    expect(running.map((p) => p.metadata?.name?.replace(/-[a-z0-9]{5}$/, '')).sort()).to.deep.equal([
      'kindnet',
      'kube-proxy',
    ]);
    await core.deleteNode({ name: 'kind-worker4' });
    // The pod garbage collector waits out its (scaled) 40 s quarantine before deleting them.
    await until('the orphaned pods to be deleted', async () =>
      (await onNode()).length === 0 ? true : undefined,
    );
  });
});
