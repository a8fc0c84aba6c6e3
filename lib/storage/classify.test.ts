import type { V1Node, V1PersistentVolume, V1StorageClass } from '@kubernetes/client-node';
import { expect } from 'chai';
import { classifyStorage } from './classify.ts';
import { registerStorageProfile } from './registry.ts';

const node = (name: string, labels: Record<string, string> = {}): V1Node => ({
  metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } },
});
const nodes = [node('worker', { zone: 'a' }), node('worker2', { zone: 'a' }), node('worker3', { zone: 'b' })];

const sc = (name: string, provisioner: string, extra: Partial<V1StorageClass> = {}): V1StorageClass => ({
  metadata: { name },
  provisioner,
  ...extra,
});

const pv = (
  name: string,
  className: string,
  affinity?: { key: string; values: string[] },
): V1PersistentVolume => ({
  metadata: { name },
  spec: {
    storageClassName: className,
    accessModes: ['ReadWriteOnce'],
    ...(affinity
      ? {
          nodeAffinity: {
            required: { nodeSelectorTerms: [{ matchExpressions: [{ ...affinity, operator: 'In' }] }] },
          },
        }
      : {}),
  },
});

describe('classifyStorage', () => {
  it('classifies rancher.io/local-path as node-pinned from the built-in table alone', () => {
    const v = classifyStorage({
      storageClass: sc('standard', 'rancher.io/local-path'),
      persistentVolumes: [],
      nodes,
    });
    expect(v.mobility.value).to.equal('node');
    expect(v.drainOutcome.value).to.equal('pending');
    expect(v.profile).to.equal('local-path');
    expect(v.mobility.evidence[0]?.source).to.equal('built-in-table');
  });

  it('classifies a Rook RBD class (any operator namespace) as movable from the table', () => {
    const v = classifyStorage({
      storageClass: sc('standard-rwo', 'rook-ceph.rbd.csi.ceph.com'),
      persistentVolumes: [],
      nodes,
    });
    expect(v.mobility.value).to.equal('cluster');
    expect(v.drainOutcome.value).to.equal('rescheduled');
    expect(v.profile).to.equal('ceph-rbd');
  });

  it('classifies an unknown provisioner whose PVs carry hostname affinity as node-pinned', () => {
    const v = classifyStorage({
      storageClass: sc('fast', 'example.com/mystery'),
      persistentVolumes: [pv('pvc-1', 'fast', { key: 'kubernetes.io/hostname', values: ['worker'] })],
      nodes,
    });
    expect(v.mobility.value).to.equal('node');
    expect(v.mobility.evidence[0]).to.deep.equal({
      source: 'persistent-volume',
      detail: 'PV pvc-1 requires node affinity kubernetes.io/hostname In [worker]: pinned to one node',
    });
    expect(v.profile).to.equal(undefined);
  });

  it('classifies PVs with a zone key as zonal and PVs without affinity as cluster-wide', () => {
    const zonal = classifyStorage({
      storageClass: sc('z', 'example.com/mystery'),
      persistentVolumes: [pv('pvc-z', 'z', { key: 'topology.kubernetes.io/zone', values: ['a'] })],
      nodes,
    });
    const free = classifyStorage({
      storageClass: sc('c', 'example.com/mystery'),
      persistentVolumes: [pv('pvc-c', 'c')],
      nodes,
    });
    expect([zonal.mobility.value, zonal.drainOutcome.value]).to.deep.equal(['zone', 'either']);
    expect([free.mobility.value, free.drainOutcome.value]).to.deep.equal(['cluster', 'rescheduled']);
  });

  it('says unknown, and why, for an unknown provisioner without evidence', () => {
    const v = classifyStorage({ storageClass: sc('x', 'example.com/mystery'), persistentVolumes: [], nodes });
    expect(v.mobility.value).to.equal('unknown');
    expect(v.drainOutcome.value).to.equal('either');
    expect(v.mobility.evidence.at(-1)?.detail).to.equal(
      'provisioner example.com/mystery is not in the built-in table, no user profile matches it, and the cluster shows no PVs or CSI topology for class x; register a storage profile to describe it',
    );
  });

  it('lets PV evidence win over the table and says so in the notes', () => {
    const v = classifyStorage({
      storageClass: sc('ceph', 'rook-ceph.rbd.csi.ceph.com'),
      persistentVolumes: [pv('pvc-2', 'ceph', { key: 'kubernetes.io/hostname', values: ['worker2'] })],
      nodes,
    });
    expect(v.mobility.value).to.equal('node');
    expect(v.notes).to.deep.equal([
      "the built-in table says mobility cluster, but the cluster shows node (persistent-volume); the cluster's evidence wins",
    ]);
  });

  it('takes the most restrictive volume when PVs of a class disagree', () => {
    const v = classifyStorage({
      storageClass: sc('mixed', 'example.com/mystery'),
      persistentVolumes: [
        pv('a', 'mixed'),
        pv('b', 'mixed', { key: 'kubernetes.io/hostname', values: ['worker3'] }),
      ],
      nodes,
    });
    expect(v.mobility.value).to.equal('node');
    expect(v.mobility.evidence[0]?.detail).to.match(/PVs of this class disagree \(1 cluster, 1 node\)/);
  });

  it('reads mobility from CSINode topology keys when no PV exists yet', () => {
    const zonal = classifyStorage({
      storageClass: sc('ebs', 'example.com/block'),
      persistentVolumes: [],
      nodes,
      csiNodes: [{ node: 'worker', keys: ['topology.ebs.csi.aws.com/zone'] }],
    });
    const anywhere = classifyStorage({
      storageClass: sc('net', 'example.com/block'),
      persistentVolumes: [],
      nodes,
      csiNodes: [
        { node: 'worker', keys: [] },
        { node: 'worker2', keys: [] },
      ],
    });
    expect(zonal.mobility.value).to.equal('zone');
    expect(anywhere.mobility.value).to.equal('cluster');
    expect(anywhere.mobility.evidence[0]?.detail).to.equal(
      'driver example.com/block is registered on 2 node(s) (CSINode) with no topology keys: its volumes are not tied to a topology',
    );
  });

  it('tells node-local from shared topology keys by their values on the nodes', () => {
    const v = classifyStorage({
      storageClass: sc('lvm', 'example.com/lvm'),
      persistentVolumes: [],
      nodes: nodes.map((n) => ({
        ...n,
        metadata: { ...n.metadata, labels: { ...n.metadata?.labels, 'ex/disk': n.metadata?.name ?? '' } },
      })),
      csiNodes: [{ node: 'worker', keys: ['ex/disk'] }],
    });
    expect(v.mobility.value).to.equal('node');
  });

  it('uses a registered user profile before the table', () => {
    const remove = registerStorageProfile({
      name: 'pinned-ceph',
      match: { provisioner: 'rook-ceph.rbd.csi.ceph.com', storageClass: 'local-ceph' },
      mobility: 'node',
    });
    try {
      const v = classifyStorage({
        storageClass: sc('local-ceph', 'rook-ceph.rbd.csi.ceph.com'),
        persistentVolumes: [],
        nodes,
      });
      expect(v.profile).to.equal('pinned-ceph');
      expect(v.mobility.value).to.equal('node');
      expect(v.mobility.evidence[0]).to.deep.equal({
        source: 'user-profile',
        detail: 'profile pinned-ceph (registered in code) says mobility node',
      });
    } finally {
      remove();
    }
  });

  it('denies expansion unless the class sets allowVolumeExpansion', () => {
    const off = classifyStorage({ storageClass: sc('a', 'ebs.csi.aws.com'), persistentVolumes: [], nodes });
    const on = classifyStorage({
      storageClass: sc('b', 'ebs.csi.aws.com', { allowVolumeExpansion: true }),
      persistentVolumes: [],
      nodes,
    });
    expect(off.expansion.value).to.equal(false);
    expect(off.expansion.evidence[0]?.detail).to.equal(
      'class a does not set allowVolumeExpansion, so the API server refuses to grow its claims',
    );
    expect(on.expansion.value).to.equal(true);
  });

  it('reads snapshot support from VolumeSnapshotClasses when the API is served', () => {
    const base = { storageClass: sc('a', 'ebs.csi.aws.com'), persistentVolumes: [], nodes };
    expect(classifyStorage({ ...base, snapshotDrivers: ['ebs.csi.aws.com'] }).snapshots.value).to.equal(true);
    expect(classifyStorage({ ...base, snapshotDrivers: 'not-served' }).snapshots.value).to.equal(false);
    expect(classifyStorage(base).snapshots.value).to.equal(true);
  });

  it('removes attach delays for drivers that need no attach', () => {
    const v = classifyStorage({
      storageClass: sc('a', 'ebs.csi.aws.com'),
      persistentVolumes: [],
      nodes,
      csiDriver: { metadata: { name: 'ebs.csi.aws.com' }, spec: { attachRequired: false } },
    });
    expect(v.delays).to.deep.equal({
      provisioningSeconds: 15,
      attachDetachSeconds: 0,
      multiAttachSeconds: 0,
    });
  });

  it('matches Azure ZRS disks by parameter, case-insensitively on the key', () => {
    const v = classifyStorage({
      storageClass: sc('zrs', 'disk.csi.azure.com', { parameters: { skuname: 'Premium_ZRS' } }),
      persistentVolumes: [],
      nodes,
    });
    expect([v.profile, v.mobility.value]).to.deep.equal(['azure-disk-zrs', 'cluster']);
  });
});
