import type * as k8s from '@kubernetes/client-node';
import { expect } from 'chai';
import { type Cluster, startCluster } from '../../cluster.ts';
import { type Clients, clientsFor, statusOf, until } from '../../testing/clients.ts';
import { kubelet } from '../kubelet.ts';
import { resolveLatencies } from '../latencies.ts';
import { scheduler } from '../scheduler.ts';
import { storageControllers } from './index.ts';
import { stopWithoutControllerErrors } from '../../testing/own-errors.ts';

const NS = 'default';

describe('storage with the scheduler and the kubelet', () => {
  let cluster: Cluster;
  let api: Clients;

  const readPod = (name: string) => api.core.readNamespacedPod({ name, namespace: NS });

  const running = (name: string) =>
    until(
      `pod ${name} to be Running`,
      async () => {
        const p = await readPod(name);
        return p.status?.phase === 'Running' ? p : undefined;
      },
      10_000,
    );

  const claimAndPod = async (name: string, storageClassName: string, node: string) => {
    await api.core.createNamespacedPersistentVolumeClaim({
      namespace: NS,
      body: {
        metadata: { name: `data-${name}` },
        spec: {
          accessModes: ['ReadWriteOnce'],
          resources: { requests: { storage: '1Gi' } },
          storageClassName,
        },
      },
    });
    await createPod(name, node);
  };

  const createPod = (name: string, node: string) =>
    api.core.createNamespacedPod({
      namespace: NS,
      body: {
        metadata: { name },
        spec: {
          nodeSelector: { 'kubernetes.io/hostname': node },
          containers: [{ name: 'db', image: 'postgres:17' }],
          volumes: [{ name: 'data', persistentVolumeClaim: { claimName: `data-${name}` } }],
        },
      },
    });

  const volumeOf = async (name: string) => {
    const c = await api.core.readNamespacedPersistentVolumeClaim({ name: `data-${name}`, namespace: NS });
    return api.core.readPersistentVolume({ name: c.spec!.volumeName! });
  };

  const eventsOf = async (name: string): Promise<k8s.CoreV1Event[]> =>
    (await api.core.listNamespacedEvent({ namespace: NS, fieldSelector: `involvedObject.name=${name}` }))
      .items;

  before(async () => {
    const latencies = resolveLatencies();
    cluster = await startCluster({
      controllers: [scheduler({ latencies }), kubelet({ latencies }), ...storageControllers().controllers],
      timeScale: 0.01,
      seed: 21,
    });
    api = clientsFor(cluster);
    for (const [name, zone] of [
      ['worker-1', 'us-east-1a'],
      ['worker-2', 'us-east-1a'],
    ]) {
      await api.core.createNode({
        body: {
          metadata: { name, labels: { 'kubernetes.io/hostname': name, 'topology.kubernetes.io/zone': zone } },
        },
      });
      const node = await api.core.readNode({ name });
      await api.core.replaceNodeStatus({
        name,
        body: {
          ...node,
          status: {
            conditions: [{ type: 'Ready', status: 'True' }],
            allocatable: { cpu: '8', memory: '16Gi', pods: '110' },
          },
        },
      });
    }
    await api.storage.createCSIDriver({
      body: { metadata: { name: 'ebs.csi.aws.com' }, spec: { attachRequired: true } },
    });
    await api.storage.createStorageClass({
      body: {
        metadata: { name: 'gp3' },
        provisioner: 'ebs.csi.aws.com',
        volumeBindingMode: 'WaitForFirstConsumer',
      },
    });
    await api.storage.createStorageClass({
      body: {
        metadata: { name: 'standard' },
        provisioner: 'rancher.io/local-path',
        volumeBindingMode: 'WaitForFirstConsumer',
      },
    });
  });

  after(() => stopWithoutControllerErrors(cluster));

  it('runs a pod on a local-path claim provisioned on the node the scheduler chose', async () => {
    await claimAndPod('local-0', 'standard', 'worker-1');
    const pod = await running('local-0');
    const pv = await volumeOf('local-0');
    expect(pod.spec?.nodeName).to.equal('worker-1');
    expect(
      pv.spec?.nodeAffinity?.required?.nodeSelectorTerms?.[0]?.matchExpressions?.[0]?.values,
    ).to.deep.equal(['worker-1']);
  });

  it('runs a pod on a cloud disk only once the disk is attached to its node', async () => {
    await claimAndPod('cloud-0', 'gp3', 'worker-1');
    await running('cloud-0');
    const reasons = (await eventsOf('cloud-0')).map((e) => e.reason);
    expect(reasons).to.include.members(['Scheduled', 'SuccessfulAttachVolume', 'Started']);
    const attached = (await api.storage.listVolumeAttachment()).items.filter((a) => a.status?.attached);
    expect(attached.map((a) => a.spec.nodeName)).to.deep.equal(['worker-1']);
  });

  it('keeps a recreated pod ContainerCreating on its new node until the old node lets the disk go', async () => {
    const pv = (await volumeOf('cloud-0')).metadata!.name!;
    await api.core.deleteNamespacedPod({ name: 'cloud-0', namespace: NS });
    await until(
      'the old pod to be gone',
      async () => ((await statusOf(readPod('cloud-0'))) === 404 ? true : undefined),
      10_000,
    );
    await createPod('cloud-0', 'worker-2');
    const warning = await until('a Multi-Attach warning', async () =>
      (await eventsOf('cloud-0')).find((e) => e.reason === 'FailedAttachVolume'),
    );
    expect(warning.message).to.equal(
      `Multi-Attach error for volume "${pv}" Volume is already exclusively attached to one node and can't be attached to another`,
    );
    const waiting = await readPod('cloud-0');
    expect(waiting.status?.phase).to.equal('Pending');
    expect(waiting.status?.containerStatuses?.[0]?.state?.waiting?.reason).to.equal('ContainerCreating');
    const moved = await running('cloud-0');
    expect(moved.spec?.nodeName).to.equal('worker-2');
  });
});
