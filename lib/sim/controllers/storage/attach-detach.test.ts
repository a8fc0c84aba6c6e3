import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { type Cluster, startCluster } from '../../cluster.ts';
import { type Clients, clientsFor, until } from '../../testing/clients.ts';
import { AWS_EBS, CEPH_RBD, storageControllers, volumesReadyFor } from './index.ts';
import { stopWithoutControllerErrors } from '../../testing/own-errors.ts';

const NS = 'default';

describe('storage: attach/detach and CSI attachers', () => {
  let cluster: Cluster;
  let api: Clients;

  const readClaim = (name: string) => api.core.readNamespacedPersistentVolumeClaim({ name, namespace: NS });

  const eventsOf = async (name: string) =>
    (await api.core.listNamespacedEvent({ namespace: NS, fieldSelector: `involvedObject.name=${name}` }))
      .items;

  const attachmentsOf = async (pv: string) =>
    (await api.storage.listVolumeAttachment()).items.filter((a) => a.spec.source.persistentVolumeName === pv);

  /** A claim of `storageClassName`, provisioned for `node` as the scheduler would ask, and Bound. */
  const provisionedClaim = async (name: string, storageClassName: string, node: string) => {
    await api.core.createNamespacedPersistentVolumeClaim({
      namespace: NS,
      body: {
        metadata: { name, annotations: { 'volume.kubernetes.io/selected-node': node } },
        spec: {
          accessModes: ['ReadWriteOnce'],
          resources: { requests: { storage: '10Gi' } },
          storageClassName,
        },
      },
    });
    return until(`claim ${name} to be Bound`, async () => {
      const c = await readClaim(name);
      return c.status?.phase === 'Bound' ? c : undefined;
    });
  };

  /** A pod bound to `node` (as the scheduler leaves it) that mounts `claimName`. */
  const podOn = (name: string, node: string, claimName: string) =>
    api.core.createNamespacedPod({
      namespace: NS,
      body: {
        metadata: { name },
        spec: {
          nodeName: node,
          containers: [{ name: 'db', image: 'postgres:17' }],
          volumes: [{ name: 'pgdata', persistentVolumeClaim: { claimName } }],
        },
      },
    });

  const attachedOn = (pv: string, node: string) =>
    until(`${pv} to be attached to ${node}`, async () => {
      const va = (await attachmentsOf(pv)).find((a) => a.spec.nodeName === node);
      return va?.status?.attached ? va : undefined;
    });

  before(async () => {
    const storage = storageControllers();
    // A slow detach keeps the old node's attachment around long enough to watch the Multi-Attach window.
    storage.addProvisioner({
      ...AWS_EBS,
      latency: { ...AWS_EBS.latency, detach: { min: 20_000, max: 20_000 } },
    });
    cluster = await startCluster({ controllers: storage.controllers, timeScale: 0.01, seed: 5 });
    api = clientsFor(cluster);
    const nodes: [string, string][] = [
      ['worker-1', 'us-east-1a'],
      ['worker-2', 'us-east-1a'],
      ['worker-3', 'us-east-1b'],
    ];
    for (const [name, zone] of nodes) {
      await api.core.createNode({
        body: {
          metadata: { name, labels: { 'kubernetes.io/hostname': name, 'topology.kubernetes.io/zone': zone } },
        },
      });
    }
    for (const driver of ['ebs.csi.aws.com', 'rook-ceph.rbd.csi.ceph.com']) {
      await api.storage.createCSIDriver({
        body: { metadata: { name: driver }, spec: { attachRequired: true } },
      });
    }
    await api.storage.createCSIDriver({
      body: { metadata: { name: 'nfs.csi.k8s.io' }, spec: { attachRequired: false } },
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
        metadata: { name: 'ceph-block' },
        provisioner: 'rook-ceph.rbd.csi.ceph.com',
        volumeBindingMode: 'Immediate',
      },
    });
    await api.storage.createStorageClass({
      body: {
        metadata: { name: 'local' },
        provisioner: 'rancher.io/local-path',
        volumeBindingMode: 'WaitForFirstConsumer',
      },
    });
  });

  after(() => stopWithoutControllerErrors(cluster));

  it('registers every installed CSI driver on each node’s CSINode, with its topology keys', async () => {
    const csiNode = await until('the CSINode of worker-3', async () => {
      const got = await api.storage.readCSINode({ name: 'worker-3' });
      return got.spec.drivers.length === 3 ? got : undefined;
    });
    expect(csiNode.metadata?.ownerReferences?.map((o) => [o.kind, o.name])).to.deep.equal([
      ['Node', 'worker-3'],
    ]);
    expect(csiNode.spec.drivers).to.deep.equal([
      {
        name: 'ebs.csi.aws.com',
        nodeID: 'worker-3',
        topologyKeys: ['topology.ebs.csi.aws.com/zone', 'topology.kubernetes.io/zone'],
        allocatable: { count: 25 },
      },
      { name: 'nfs.csi.k8s.io', nodeID: 'worker-3' },
      { name: 'rook-ceph.rbd.csi.ceph.com', nodeID: 'worker-3' },
    ]);
  });

  it('provisions a cluster-wide CSI volume with no node affinity', async () => {
    await api.core.createNamespacedPersistentVolumeClaim({
      namespace: NS,
      body: {
        metadata: { name: 'ceph-data' },
        spec: {
          accessModes: ['ReadWriteOnce'],
          resources: { requests: { storage: '10Gi' } },
          storageClassName: 'ceph-block',
        },
      },
    });
    const c = await until('claim ceph-data to be Bound', async () => {
      const got = await readClaim('ceph-data');
      return got.status?.phase === 'Bound' ? got : undefined;
    });
    const pv = await api.core.readPersistentVolume({ name: c.spec!.volumeName! });
    expect(pv.spec?.nodeAffinity).to.equal(undefined);
    expect(pv.spec?.csi?.driver).to.equal(CEPH_RBD.name);
    expect(pv.spec?.csi?.volumeHandle).to.match(/^0001-0009-rook-ceph-0000000000000002-[0-9a-f-]{36}$/);
    expect(pv.metadata?.annotations).to.deep.include({
      'pv.kubernetes.io/provisioned-by': 'rook-ceph.rbd.csi.ceph.com',
    });
  });

  it('provisions a zonal CSI volume pinned to the selected node’s zone', async () => {
    const c = await provisionedClaim('pgdata', 'gp3', 'worker-1');
    const pv = await api.core.readPersistentVolume({ name: c.spec!.volumeName! });
    expect(pv.spec?.nodeAffinity?.required?.nodeSelectorTerms).to.deep.equal([
      { matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['us-east-1a'] }] },
    ]);
    expect(pv.spec?.csi).to.deep.include({ driver: 'ebs.csi.aws.com', fsType: 'ext4' });
    expect(pv.spec?.csi?.volumeHandle).to.match(/^vol-[0-9a-f]{17}$/);
  });

  it('attaches a volume to the node of the pod that uses it, under the attacher’s name and finalizer', async () => {
    const pvName = (await readClaim('pgdata')).spec!.volumeName!;
    await podOn('db-0', 'worker-1', 'pgdata');
    const va = await attachedOn(pvName, 'worker-1');
    const handle = (await api.core.readPersistentVolume({ name: pvName })).spec!.csi!.volumeHandle;
    const expected = `csi-${createHash('sha256')
      .update([handle, 'ebs.csi.aws.com', 'worker-1'].join(''))
      .digest('hex')}`;
    expect(va.metadata?.name).to.equal(expected);
    expect(va.spec).to.deep.equal({
      attacher: 'ebs.csi.aws.com',
      nodeName: 'worker-1',
      source: { persistentVolumeName: pvName },
    });
    expect(va.metadata?.finalizers).to.deep.equal(['external-attacher/ebs-csi-aws-com']);
    expect(va.status?.attachmentMetadata).to.deep.equal({ devicePath: '/dev/xvdaa' });
  });

  it('tells the pod its volume was attached', async () => {
    const pvName = (await readClaim('pgdata')).spec!.volumeName!;
    const attached = await until('a SuccessfulAttachVolume event', async () =>
      (await eventsOf('db-0')).find((e) => e.reason === 'SuccessfulAttachVolume'),
    );
    expect(attached.type).to.equal('Normal');
    expect(attached.message).to.equal(`AttachVolume.Attach succeeded for volume "${pvName}" `);
    expect(attached.source?.component).to.equal('attachdetach-controller');
  });

  it('counts the pod’s volumes ready once the claim is Bound and the attachment attached', async () => {
    const pod = await api.core.readNamespacedPod({ name: 'db-0', namespace: NS });
    const c = await readClaim('pgdata');
    const pv = await api.core.readPersistentVolume({ name: c.spec!.volumeName! });
    const vas = await attachmentsOf(pv.metadata!.name!);
    const driver = await api.storage.readCSIDriver({ name: 'ebs.csi.aws.com' });
    const plain = (o: object) => JSON.parse(JSON.stringify(o));
    const lookups = {
      claim: (ns: string, name: string) => (ns === NS && name === 'pgdata' ? plain(c) : undefined),
      volume: (name: string) => (name === pv.metadata?.name ? plain(pv) : undefined),
      csiDriver: (name: string) => (name === 'ebs.csi.aws.com' ? plain(driver) : undefined),
      attachment: (name: string) => vas.map(plain).find((a) => a.metadata.name === name),
    };
    expect(volumesReadyFor(plain(pod), lookups)).to.deep.equal({ ready: true, unbound: [], unattached: [] });
    const elsewhere = { ...plain(pod), spec: { ...plain(pod).spec, nodeName: 'worker-2' } };
    expect(volumesReadyFor(elsewhere, lookups)).to.deep.equal({
      ready: false,
      unbound: [],
      unattached: ['pgdata'],
    });
    const pending = {
      ...plain(c),
      spec: { ...plain(c).spec, volumeName: undefined },
      status: { phase: 'Pending' },
    };
    expect(volumesReadyFor(plain(pod), { ...lookups, claim: () => pending })).to.deep.equal({
      ready: false,
      unbound: ['pgdata'],
      unattached: [],
    });
  });

  it('refuses to attach to a second node while the first attachment exists, with the Multi-Attach warning', async () => {
    const pvName = (await readClaim('pgdata')).spec!.volumeName!;
    await api.core.deleteNamespacedPod({ name: 'db-0', namespace: NS, gracePeriodSeconds: 0 });
    await podOn('db-0', 'worker-2', 'pgdata');
    const warning = await until('a FailedAttachVolume event', async () =>
      (await eventsOf('db-0')).find((e) => e.reason === 'FailedAttachVolume'),
    );
    expect(warning.type).to.equal('Warning');
    expect(warning.message).to.equal(
      `Multi-Attach error for volume "${pvName}" Volume is already exclusively attached to one node and can't be attached to another`,
    );
    expect((await attachmentsOf(pvName)).map((a) => a.spec.nodeName)).to.deep.equal(['worker-1']);
  });

  it('attaches to the new node once the old attachment is detached', async () => {
    const pvName = (await readClaim('pgdata')).spec!.volumeName!;
    await attachedOn(pvName, 'worker-2');
    expect((await attachmentsOf(pvName)).map((a) => a.spec.nodeName)).to.deep.equal(['worker-2']);
  });

  it('names the pods still using the volume on the other node', async () => {
    const pvName = (await readClaim('pgdata')).spec!.volumeName!;
    await podOn('intruder', 'worker-1', 'pgdata');
    const warning = await until('a FailedAttachVolume event', async () =>
      (await eventsOf('intruder')).find((e) => e.reason === 'FailedAttachVolume'),
    );
    expect(warning.message).to.equal(
      `Multi-Attach error for volume "${pvName}" Volume is already used by pod(s) db-0`,
    );
    await api.core.deleteNamespacedPod({ name: 'intruder', namespace: NS, gracePeriodSeconds: 0 });
  });

  it('detaches when the last pod using the volume is gone', async () => {
    const pvName = (await readClaim('pgdata')).spec!.volumeName!;
    await api.core.deleteNamespacedPod({ name: 'db-0', namespace: NS, gracePeriodSeconds: 0 });
    await until(
      'no attachment of the volume',
      async () => ((await attachmentsOf(pvName)).length === 0 ? true : undefined),
      8000,
    );
  });

  it('creates no attachment for a node-local volume', async () => {
    const c = await provisionedClaim('scratch', 'local', 'worker-3');
    await podOn('local-user', 'worker-3', 'scratch');
    const pv = await api.core.readPersistentVolume({ name: c.spec!.volumeName! });
    expect(pv.spec?.hostPath?.path).to.match(/^\/var\/local-path-provisioner\/pvc-/);
    await new Promise((r) => setTimeout(r, 100));
    expect(await attachmentsOf(pv.metadata!.name!)).to.deep.equal([]);
  });

  it('creates no attachment for a driver whose CSIDriver does not require attach', async () => {
    await api.core.createPersistentVolume({
      body: {
        metadata: { name: 'shared-nfs' },
        spec: {
          capacity: { storage: '1Gi' },
          accessModes: ['ReadWriteMany'],
          storageClassName: '',
          csi: { driver: 'nfs.csi.k8s.io', volumeHandle: 'nfs-server/share' },
        },
      },
    });
    await api.core.createNamespacedPersistentVolumeClaim({
      namespace: NS,
      body: {
        metadata: { name: 'shared' },
        spec: {
          accessModes: ['ReadWriteMany'],
          resources: { requests: { storage: '1Gi' } },
          storageClassName: '',
        },
      },
    });
    await until('claim shared to be Bound', async () =>
      (await readClaim('shared')).status?.phase === 'Bound' ? true : undefined,
    );
    await podOn('nfs-user', 'worker-2', 'shared');
    await new Promise((r) => setTimeout(r, 100));
    expect(await attachmentsOf('shared-nfs')).to.deep.equal([]);
  });
});

describe('storage: detaching from nodes that cannot unmount', () => {
  let cluster: Cluster;
  let api: Clients;

  const attachmentsOn = async (node: string) =>
    (await api.storage.listVolumeAttachment()).items.filter((a) => a.spec.nodeName === node);

  /** A node whose kubelet stopped reporting (Ready False), optionally declared out of service. */
  const breakNode = async (name: string, outOfService: boolean) => {
    const node = await api.core.readNode({ name });
    await api.core.replaceNodeStatus({
      name,
      body: {
        ...node,
        status: { conditions: [{ type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown' }] },
      },
    });
    if (outOfService) {
      const fresh = await api.core.readNode({ name });
      await api.core.replaceNode({
        name,
        body: {
          ...fresh,
          spec: {
            taints: [
              { key: 'node.kubernetes.io/out-of-service', value: 'nodeshutdown', effect: 'NoExecute' },
            ],
          },
        },
      });
    }
  };

  /** A pod on `node` using a freshly provisioned cloud disk, attached; then the node breaks and the pod is force-deleted. */
  const strandedDisk = async (node: string, outOfService: boolean) => {
    const name = `on-${node}`;
    await api.core.createNamespacedPersistentVolumeClaim({
      namespace: NS,
      body: {
        metadata: { name, annotations: { 'volume.kubernetes.io/selected-node': node } },
        spec: {
          accessModes: ['ReadWriteOnce'],
          resources: { requests: { storage: '1Gi' } },
          storageClassName: 'gp3',
        },
      },
    });
    await api.core.createNamespacedPod({
      namespace: NS,
      body: {
        metadata: { name },
        spec: {
          nodeName: node,
          containers: [{ name: 'c', image: 'busybox' }],
          volumes: [{ name: 'd', persistentVolumeClaim: { claimName: name } }],
        },
      },
    });
    await until(`a disk attached to ${node}`, async () =>
      (await attachmentsOn(node)).some((a) => a.status?.attached) ? true : undefined,
    );
    await breakNode(node, outOfService);
    await api.core.deleteNamespacedPod({ name, namespace: NS, gracePeriodSeconds: 0 });
  };

  before(async () => {
    // 10 min realistic before a force detach is 1.2 s here; an ordinary detach is a few ms.
    const storage = storageControllers({ forceDetachAfterMs: 600_000 });
    cluster = await startCluster({ controllers: storage.controllers, timeScale: 0.002, seed: 8 });
    api = clientsFor(cluster);
    for (const name of ['node-a', 'node-b']) {
      await api.core.createNode({
        body: {
          metadata: {
            name,
            labels: { 'kubernetes.io/hostname': name, 'topology.kubernetes.io/zone': 'zone-1' },
          },
        },
      });
    }
    await api.storage.createCSIDriver({ body: { metadata: { name: 'ebs.csi.aws.com' }, spec: {} } });
    await api.storage.createStorageClass({
      body: {
        metadata: { name: 'gp3' },
        provisioner: 'ebs.csi.aws.com',
        volumeBindingMode: 'WaitForFirstConsumer',
      },
    });
  });

  after(() => stopWithoutControllerErrors(cluster));

  it('keeps a disk attached to a node that is not Ready until the force-detach timeout', async () => {
    await strandedDisk('node-a', false);
    await new Promise((r) => setTimeout(r, 300));
    expect((await attachmentsOn('node-a')).map((a) => a.metadata?.deletionTimestamp)).to.deep.equal([
      undefined,
    ]);
    await until(
      'the force detach',
      async () => ((await attachmentsOn('node-a')).length === 0 ? true : undefined),
      5000,
    );
  });

  it('detaches at once from a node tainted out-of-service', async () => {
    await strandedDisk('node-b', true);
    await until(
      'the detach',
      async () => ((await attachmentsOn('node-b')).length === 0 ? true : undefined),
      600,
    );
  });
});
