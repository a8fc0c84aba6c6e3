import type * as k8s from '@kubernetes/client-node';
import { expect } from 'chai';
import { type Cluster, startCluster } from '../index.ts';
import { stopWithoutOwnErrors } from '../testing/own-errors.ts';
import { clientsFor, until } from '../testing/clients.ts';

const TIME_SCALE = 0.01;

function podBody(
  name: string,
  extra: Partial<k8s.V1PodSpec> = {},
  labels?: Record<string, string>,
): k8s.V1Pod {
  return {
    metadata: { name, labels },
    spec: { containers: [{ name: 'web', image: 'nginx:1.27' }], ...extra },
  };
}

describe('simulated scheduler (kind preset)', () => {
  let cluster: Cluster;
  let core: k8s.CoreV1Api;
  let namespace: string;
  let counter = 0;

  before(async () => {
    cluster = await startCluster({ preset: 'kind', timeScale: TIME_SCALE, seed: 11 });
    core = clientsFor(cluster).core;
  });
  after(() => stopWithoutOwnErrors(cluster));

  beforeEach(async () => {
    namespace = `sched-${++counter}`;
    await core.createNamespace({ body: { metadata: { name: namespace } } });
  });
  afterEach(async () => {
    // Leave every node schedulable for the next test.
    for (const node of ['kind-worker', 'kind-worker2', 'kind-worker3']) {
      await cordon(node, false);
    }
  });

  /** A 1Gi claim of the default class. */
  const createClaim = (name: string) =>
    core.createNamespacedPersistentVolumeClaim({
      namespace,
      body: {
        metadata: { name },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
      },
    });

  /** A pod that mounts the claim. */
  const createPodWithClaim = (pod: string, claim: string) =>
    core.createNamespacedPod({
      namespace,
      body: podBody(pod, { volumes: [{ name: claim, persistentVolumeClaim: { claimName: claim } }] }),
    });

  const cordon = (node: string, unschedulable: boolean) =>
    core.patchNode({ name: node, body: [{ op: 'add', path: '/spec/unschedulable', value: unschedulable }] });

  const nodeOf = (name: string) =>
    until(`pod ${name} to be bound`, async () => {
      const pod = await core.readNamespacedPod({ namespace, name });
      return pod.spec?.nodeName || undefined;
    });

  const unschedulableMessage = (name: string) =>
    until(`pod ${name} to be marked unschedulable`, async () => {
      const pod = await core.readNamespacedPod({ namespace, name });
      const cond = pod.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
      return cond ? { reason: cond.reason, message: cond.message, nodeName: pod.spec?.nodeName } : undefined;
    });

  it('binds pods to workers and never to the tainted control plane', async () => {
    for (let i = 0; i < 6; i++) await core.createNamespacedPod({ namespace, body: podBody(`web-${i}`) });
    const nodes = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => nodeOf(`web-${i}`)));
    expect(nodes).to.not.include('kind-control-plane');
    expect(new Set(nodes)).to.have.keys('kind-worker', 'kind-worker2', 'kind-worker3');
  });

  it('records Scheduled with the real message and sets PodScheduled=True', async () => {
    await core.createNamespacedPod({ namespace, body: podBody('web') });
    const node = await nodeOf('web');
    const events = await until('the Scheduled event', async () => {
      const list = await core.listNamespacedEvent({ namespace, fieldSelector: 'involvedObject.name=web' });
      return list.items.find((e) => e.reason === 'Scheduled');
    });
    expect(events.message).to.equal(`Successfully assigned ${namespace}/web to ${node}`);
    expect(events.source?.component).to.equal('default-scheduler');
    const pod = await core.readNamespacedPod({ namespace, name: 'web' });
    expect(pod.status?.conditions?.find((c) => c.type === 'PodScheduled')?.status).to.equal('True');
  });

  it('leaves a pod with an impossible nodeSelector Pending with the exact FailedScheduling message', async () => {
    await core.createNamespacedPod({
      namespace,
      body: podBody('picky', { nodeSelector: { disktype: 'nvme' } }),
    });
    const expected =
      "0/4 nodes are available: 1 node(s) had untolerated taint(s), 3 node(s) didn't match Pod's node affinity/selector. " +
      'no new claims to deallocate, preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling.';
    const seen = await unschedulableMessage('picky');
    expect(seen).to.deep.equal({ reason: 'Unschedulable', message: expected, nodeName: undefined });
    const event = await until('the FailedScheduling event', async () => {
      const list = await core.listNamespacedEvent({ namespace, fieldSelector: 'involvedObject.name=picky' });
      return list.items.find((e) => e.reason === 'FailedScheduling');
    });
    expect(event.type).to.equal('Warning');
    expect(event.message).to.equal(expected);
    const pod = await core.readNamespacedPod({ namespace, name: 'picky' });
    expect(pod.status?.phase).to.equal('Pending');
  });

  it('places new pods only on nodes that are not cordoned', async () => {
    await cordon('kind-worker', true);
    await cordon('kind-worker2', true);
    for (let i = 0; i < 4; i++) await core.createNamespacedPod({ namespace, body: podBody(`web-${i}`) });
    const nodes = await Promise.all([0, 1, 2, 3].map((i) => nodeOf(`web-${i}`)));
    expect(nodes).to.deep.equal(['kind-worker3', 'kind-worker3', 'kind-worker3', 'kind-worker3']);
  });

  it('reports cordoned nodes as unschedulable and binds the pod once one is uncordoned', async () => {
    for (const node of ['kind-worker', 'kind-worker2', 'kind-worker3']) {
      await cordon(node, true);
    }
    await core.createNamespacedPod({ namespace, body: podBody('waiting') });
    const seen = await unschedulableMessage('waiting');
    expect(seen.message).to.equal(
      '0/4 nodes are available: 1 node(s) had untolerated taint(s), 3 node(s) were unschedulable. ' +
        'no new claims to deallocate, preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling.',
    );
    await cordon('kind-worker2', false);
    expect(await nodeOf('waiting')).to.equal('kind-worker2');
  });

  it('keeps replicas with required hostname anti-affinity apart and says why the extra one waits', async () => {
    const labels = { app: 'db' };
    const affinity: k8s.V1Affinity = {
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [
          { labelSelector: { matchLabels: labels }, topologyKey: 'kubernetes.io/hostname' },
        ],
      },
    };
    for (let i = 0; i < 3; i++) {
      await core.createNamespacedPod({ namespace, body: podBody(`db-${i}`, { affinity }, labels) });
      await nodeOf(`db-${i}`);
    }
    const nodes = await Promise.all([0, 1, 2].map((i) => nodeOf(`db-${i}`)));
    expect(new Set(nodes).size).to.equal(3);
    await core.createNamespacedPod({ namespace, body: podBody('db-3', { affinity }, labels) });
    const seen = await unschedulableMessage('db-3');
    expect(seen.message).to.equal(
      "0/4 nodes are available: 1 node(s) had untolerated taint(s), 3 node(s) didn't match pod anti-affinity rules. " +
        'no new claims to deallocate, preemption: 0/4 nodes are available: 1 Preemption is not helpful for scheduling, 3 No preemption victims found for incoming pod.',
    );
  });

  it('binds a pod with a WaitForFirstConsumer claim on the node its volume is provisioned for', async () => {
    await createClaim('data');
    await createPodWithClaim('db', 'data');
    const node = await nodeOf('db');
    const claim = await core.readNamespacedPersistentVolumeClaim({ namespace, name: 'data' });
    expect(claim.metadata?.annotations?.['volume.kubernetes.io/selected-node']).to.equal(node);
    expect(claim.status?.phase).to.equal('Bound');
  });

  it('keeps a pod whose local volume is pinned to a cordoned node Pending with a volume node affinity conflict', async () => {
    await createClaim('data');
    await createPodWithClaim('db', 'data');
    const node = await nodeOf('db');
    await cordon(node, true);
    await core.deleteNamespacedPod({ namespace, name: 'db', gracePeriodSeconds: 0 });
    await createPodWithClaim('db', 'data');
    const seen = await unschedulableMessage('db');
    expect(seen.message).to.equal(
      '0/4 nodes are available: 1 node(s) had untolerated taint(s), 1 node(s) were unschedulable, 2 node(s) had volume node affinity conflict. ' +
        'no new claims to deallocate, preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling.',
    );
    await cordon(node, false);
    expect(await nodeOf('db')).to.equal(node);
  });

  it('binds a pod to the node of the static local volume that can serve its WaitForFirstConsumer claim', async () => {
    const storage = clientsFor(cluster).storage;
    await storage.createStorageClass({
      body: {
        metadata: { name: `local-${namespace}` },
        provisioner: 'kubernetes.io/no-provisioner',
        volumeBindingMode: 'WaitForFirstConsumer',
      },
    });
    await core.createPersistentVolume({
      body: {
        metadata: { name: `local-pv-${namespace}` },
        spec: {
          capacity: { storage: '5Gi' },
          accessModes: ['ReadWriteOnce'],
          storageClassName: `local-${namespace}`,
          local: { path: '/mnt/disks/ssd1' },
          nodeAffinity: {
            required: {
              nodeSelectorTerms: [
                {
                  matchExpressions: [
                    { key: 'kubernetes.io/hostname', operator: 'In', values: ['kind-worker2'] },
                  ],
                },
              ],
            },
          },
        },
      },
    });
    await core.createNamespacedPersistentVolumeClaim({
      namespace,
      body: {
        metadata: { name: 'data' },
        spec: {
          storageClassName: `local-${namespace}`,
          accessModes: ['ReadWriteOnce'],
          resources: { requests: { storage: '1Gi' } },
        },
      },
    });
    await createPodWithClaim('db', 'data');
    expect(await nodeOf('db')).to.equal('kind-worker2');
    const claim = await until('the claim to be bound', async () => {
      const c = await core.readNamespacedPersistentVolumeClaim({ namespace, name: 'data' });
      return c.status?.phase === 'Bound' ? c : undefined;
    });
    expect(claim.spec?.volumeName).to.equal(`local-pv-${namespace}`);
  });

  it('rejects a pod whose claim does not exist before looking at nodes', async () => {
    const volumes = [{ name: 'data', persistentVolumeClaim: { claimName: 'missing' } }];
    await core.createNamespacedPod({ namespace, body: podBody('orphan', { volumes }) });
    const seen = await unschedulableMessage('orphan');
    expect(seen.message).to.equal(
      '0/4 nodes are available: persistentvolumeclaim "missing" not found. preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling.',
    );
  });
});

describe('simulated scheduler (cloud preset)', () => {
  let cluster: Cluster;
  let core: k8s.CoreV1Api;

  before(async () => {
    cluster = await startCluster({ preset: 'cloud', timeScale: TIME_SCALE, seed: 12 });
    core = clientsFor(cluster).core;
  });
  after(() => stopWithoutOwnErrors(cluster));

  it('spreads pods over zones under a DoNotSchedule topology spread constraint and says why one waits', async () => {
    await core.patchNode({
      name: 'cloud-worker-c',
      body: [{ op: 'add', path: '/spec/unschedulable', value: true }],
    });
    const labels = { app: 'spread' };
    const spec: Partial<k8s.V1PodSpec> = {
      topologySpreadConstraints: [
        {
          maxSkew: 1,
          topologyKey: 'topology.kubernetes.io/zone',
          whenUnsatisfiable: 'DoNotSchedule',
          labelSelector: { matchLabels: labels },
        },
      ],
    };
    const nodes: string[] = [];
    for (let i = 0; i < 2; i++) {
      await core.createNamespacedPod({ namespace: 'default', body: podBody(`spread-${i}`, spec, labels) });
      nodes.push(
        await until(`spread-${i} to be bound`, async () => {
          const pod = await core.readNamespacedPod({ namespace: 'default', name: `spread-${i}` });
          return pod.spec?.nodeName || undefined;
        }),
      );
    }
    expect(nodes.sort()).to.deep.equal(['cloud-worker-a', 'cloud-worker-b']);
    await core.createNamespacedPod({ namespace: 'default', body: podBody('spread-2', spec, labels) });
    const message = await until('spread-2 to be unschedulable', async () => {
      const pod = await core.readNamespacedPod({ namespace: 'default', name: 'spread-2' });
      return pod.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False')?.message;
    });
    expect(message).to.equal(
      "0/3 nodes are available: 1 node(s) were unschedulable, 2 node(s) didn't match pod topology spread constraints. " +
        'no new claims to deallocate, preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.',
    );
  });

  it('leaves a pod with scheduling gates alone until the gates are removed', async () => {
    await core.createNamespacedPod({
      namespace: 'default',
      body: podBody('gated', { schedulingGates: [{ name: 'example.com/wait' }] }),
    });
    await new Promise((r) => setTimeout(r, 50));
    const events = await core.listNamespacedEvent({
      namespace: 'default',
      fieldSelector: 'involvedObject.name=gated',
    });
    expect(events.items.map((e) => e.reason)).to.deep.equal([]);
    expect((await core.readNamespacedPod({ namespace: 'default', name: 'gated' })).spec?.nodeName).to.equal(
      undefined,
    );
    await core.patchNamespacedPod({
      namespace: 'default',
      name: 'gated',
      body: [{ op: 'remove', path: '/spec/schedulingGates' }],
    });
    const node = await until('gated to be bound', async () => {
      const pod = await core.readNamespacedPod({ namespace: 'default', name: 'gated' });
      return pod.spec?.nodeName || undefined;
    });
    expect(node).to.match(/^cloud-worker-[abc]$/);
  });
});

describe('simulated scheduler (custom preset with one small node)', () => {
  let cluster: Cluster;
  let core: k8s.CoreV1Api;

  before(async () => {
    cluster = await startCluster({
      preset: { nodes: [{ name: 'tiny', capacity: { cpu: '1', memory: '1Gi', pods: '1' } }] },
      timeScale: TIME_SCALE,
      seed: 2,
    });
    core = clientsFor(cluster).core;
  });
  after(() => stopWithoutOwnErrors(cluster));

  it('reports a full node as Too many pods and binds the waiting pod once the running one finishes', async () => {
    await core.createNamespacedPod({
      namespace: 'default',
      body: podBody('first', { restartPolicy: 'Never' }),
    });
    await core.createNamespacedPod({ namespace: 'default', body: podBody('second') });
    const message = await until('second to be unschedulable', async () => {
      const pod = await core.readNamespacedPod({ namespace: 'default', name: 'second' });
      return pod.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False')?.message;
    });
    expect(message).to.equal(
      '0/1 nodes are available: 1 Too many pods. no new claims to deallocate, preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
    );
    await until('second to be bound after first succeeds', async () => {
      const pod = await core.readNamespacedPod({ namespace: 'default', name: 'second' });
      return pod.spec?.nodeName === 'tiny' ? true : undefined;
    });
    const first = await core.readNamespacedPod({ namespace: 'default', name: 'first' });
    expect(first.status?.phase).to.equal('Succeeded');
  });

  it('reports Insufficient cpu and Too many pods, sorted, for a pod that fits nowhere', async () => {
    await core.createNamespacedPod({
      namespace: 'default',
      body: {
        metadata: { name: 'greedy' },
        spec: { containers: [{ name: 'c', image: 'nginx:1.27', resources: { requests: { cpu: '2' } } }] },
      },
    });
    const message = await until('greedy to be unschedulable', async () => {
      const pod = await core.readNamespacedPod({ namespace: 'default', name: 'greedy' });
      return pod.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False')?.message;
    });
    // The node also still holds `second`, so both resource reasons count, sorted.
    expect(message).to.equal(
      '0/1 nodes are available: 1 Insufficient cpu, 1 Too many pods. no new claims to deallocate, preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
    );
  });
});
