import type { V1PersistentVolume } from '@kubernetes/client-node';
import { expect, use } from 'chai';
import chaiAsPromised from 'chai-as-promised';
import { type Connection, connect } from '../client/index.ts';
import {
  CONTROLPLANE_HOOK_TIMEOUT_MS,
  startTestCluster,
  type TestCluster,
} from '../controlplane/testing/test-target.ts';
import { canMovePvcAcrossNodes, isPvcPinnedToNode, storageForClaim, storageForPod } from './claim-storage.ts';
import { canStorageClassMoveAcrossNodes, detectStorage } from './detect.ts';
import { expectedDrainOutcome } from './drain-expectation.ts';

use(chaiAsPromised);

const DEFAULT = { 'storageclass.kubernetes.io/is-default-class': 'true' };

function hostPv(
  name: string,
  className: string,
  node?: string,
  claim?: { namespace: string; name: string },
): V1PersistentVolume {
  return {
    metadata: { name },
    spec: {
      storageClassName: className,
      capacity: { storage: '1Gi' },
      accessModes: ['ReadWriteOnce'],
      hostPath: { path: `/tmp/${name}` },
      ...(claim ? { claimRef: { namespace: claim.namespace, name: claim.name } } : {}),
      ...(node
        ? {
            nodeAffinity: {
              required: {
                nodeSelectorTerms: [
                  { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] },
                ],
              },
            },
          }
        : {}),
    },
  };
}

describe('detectStorage against the API', () => {
  let cluster: TestCluster;
  let conn: Connection;

  beforeEach(async function () {
    this.timeout(CONTROLPLANE_HOOK_TIMEOUT_MS);
    cluster = await startTestCluster({ seed: 5 });
    conn = await connect({ kubeconfig: cluster.kubeconfig, retry: { retries: 0 } });
    for (const name of ['worker', 'worker2']) {
      await conn.core.createNode({
        body: {
          metadata: { name, labels: { 'kubernetes.io/hostname': name, 'topology.kubernetes.io/zone': 'z1' } },
        },
      });
    }
  });
  afterEach(async function () {
    this.timeout(60_000);
    conn.close();
    await cluster.stop();
  });

  it('classifies the default class of a kind-like cluster (local-path) as node-pinned', async () => {
    await conn.storage.createStorageClass({
      body: {
        metadata: { name: 'standard', annotations: DEFAULT },
        provisioner: 'rancher.io/local-path',
        volumeBindingMode: 'WaitForFirstConsumer',
      },
    });
    const v = await detectStorage(conn);
    expect([v.storageClass, v.mobility.value, v.drainOutcome.value]).to.deep.equal([
      'standard',
      'node',
      'pending',
    ]);
    expect(v.volumeBindingMode).to.equal('WaitForFirstConsumer');
    expect(await canStorageClassMoveAcrossNodes(conn)).to.equal(false);
  });

  it('classifies the default class of a cloud-like cluster (Rook RBD) as movable', async () => {
    await conn.storage.createStorageClass({
      body: {
        metadata: { name: 'standard-rwo', annotations: DEFAULT },
        provisioner: 'rook-ceph.rbd.csi.ceph.com',
      },
    });
    const v = await detectStorage(conn);
    expect([v.mobility.value, v.drainOutcome.value]).to.deep.equal(['cluster', 'rescheduled']);
    expect(await canStorageClassMoveAcrossNodes(conn)).to.equal(true);
  });

  it('detects an unknown provisioner as node-pinned from its PVs hostname affinity alone', async () => {
    await conn.storage.createStorageClass({
      body: { metadata: { name: 'mystery' }, provisioner: 'example.com/mystery' },
    });
    await conn.core.createPersistentVolume({ body: hostPv('pv-m1', 'mystery', 'worker2') });
    const v = await detectStorage(conn, { storageClass: 'mystery' });
    expect(v.mobility.value).to.equal('node');
    expect(v.mobility.evidence[0]).to.deep.equal({
      source: 'persistent-volume',
      detail: 'PV pv-m1 requires node affinity kubernetes.io/hostname In [worker2]: pinned to one node',
    });
  });

  it('detects a movable class from PVs without node affinity, even against the table', async () => {
    await conn.storage.createStorageClass({
      body: { metadata: { name: 'standard', annotations: DEFAULT }, provisioner: 'rancher.io/local-path' },
    });
    await conn.core.createPersistentVolume({ body: hostPv('pv-shared', 'standard') });
    const v = await detectStorage(conn);
    expect(v.mobility.value).to.equal('cluster');
    expect(v.notes).to.deep.equal([
      "the built-in table says mobility node, but the cluster shows cluster (persistent-volume); the cluster's evidence wins",
    ]);
  });

  it('reads CSI topology: a driver registered without topology keys is movable', async () => {
    await conn.storage.createStorageClass({
      body: { metadata: { name: 'net' }, provisioner: 'net.example.com' },
    });
    await conn.storage.createCSIDriver({
      body: { metadata: { name: 'net.example.com' }, spec: { attachRequired: true } },
    });
    for (const node of ['worker', 'worker2']) {
      await conn.storage.createCSINode({
        body: {
          metadata: { name: node },
          spec: { drivers: [{ name: 'net.example.com', nodeID: node, topologyKeys: [] }] },
        },
      });
    }
    const v = await detectStorage(conn, { storageClass: 'net' });
    expect(v.mobility.value).to.equal('cluster');
    expect(v.mobility.evidence[0]?.source).to.equal('csi-node');
  });

  it('says unknown for an unknown provisioner without evidence', async () => {
    await conn.storage.createStorageClass({
      body: { metadata: { name: 'x' }, provisioner: 'example.com/x' },
    });
    const v = await detectStorage(conn, { storageClass: 'x' });
    expect(v.mobility.value).to.equal('unknown');
    expect(v.drainOutcome.value).to.equal('either');
  });

  it('fails clearly when the cluster has no default class', async () => {
    await conn.storage.createStorageClass({
      body: { metadata: { name: 'b' }, provisioner: 'example.com/x' },
    });
    await conn.storage.createStorageClass({
      body: { metadata: { name: 'a' }, provisioner: 'example.com/x' },
    });
    await expect(detectStorage(conn)).to.be.rejectedWith(
      'detectStorage: the cluster has no default StorageClass (no class is annotated storageclass.kubernetes.io/is-default-class: "true"); name one with { storageClass }. Classes in the cluster: a, b',
    );
  });

  it('fails clearly when several classes claim to be the default', async () => {
    for (const name of ['one', 'two']) {
      await conn.storage.createStorageClass({
        body: { metadata: { name, annotations: DEFAULT }, provisioner: 'example.com/x' },
      });
    }
    await expect(detectStorage(conn)).to.be.rejectedWith(
      'detectStorage: the cluster has 2 default StorageClasses (one, two); name the one to use with { storageClass }',
    );
  });

  it('fails clearly when the named class does not exist', async () => {
    await expect(detectStorage(conn, { storageClass: 'fast' })).to.be.rejectedWith(
      'detectStorage: StorageClass "fast" does not exist; classes in the cluster: (none)',
    );
  });

  it('answers per claim from its own bound volume, for specs that skip impossible cases', async () => {
    await conn.storage.createStorageClass({
      body: { metadata: { name: 'mystery' }, provisioner: 'example.com/mystery' },
    });
    for (const [claim, pv, node] of [
      ['pinned', 'pv-pinned', 'worker'],
      ['free', 'pv-free', undefined],
    ] as const) {
      await conn.core.createPersistentVolume({
        body: hostPv(pv, 'mystery', node, { namespace: 'default', name: claim }),
      });
      await conn.core.createNamespacedPersistentVolumeClaim({
        namespace: 'default',
        body: {
          metadata: { name: claim },
          spec: {
            storageClassName: 'mystery',
            volumeName: pv,
            accessModes: ['ReadWriteOnce'],
            resources: { requests: { storage: '1Gi' } },
          },
        },
      });
    }
    const pinned = await storageForClaim(conn, 'default', 'pinned');
    expect([pinned.volume, pinned.usableOn, pinned.canMoveAcrossNodes]).to.deep.equal([
      'pv-pinned',
      ['worker'],
      false,
    ]);
    expect(await isPvcPinnedToNode(conn, 'default', 'pinned')).to.equal(true);
    expect(await canMovePvcAcrossNodes(conn, 'default', 'free')).to.equal(true);

    await conn.core.createNamespacedPod({
      namespace: 'default',
      body: {
        metadata: { name: 'db-1' },
        spec: {
          containers: [{ name: 'pg', image: 'postgres' }],
          volumes: [
            { name: 'a', persistentVolumeClaim: { claimName: 'free' } },
            { name: 'b', persistentVolumeClaim: { claimName: 'pinned' } },
          ],
        },
      },
    });
    const pod = await storageForPod(conn, 'default', 'db-1');
    expect([pod.mobility.value, pod.drainOutcome.value]).to.deep.equal(['node', 'pending']);
    expect(pod.mobility.evidence[0]?.detail).to.equal('claim pinned is the most restrictive of free, pinned');
  });

  it('predicts Pending for a pod whose volume only the drained node can use, and rules out a reschedule', async () => {
    await conn.storage.createStorageClass({
      body: { metadata: { name: 'net' }, provisioner: 'rook-ceph.rbd.csi.ceph.com' },
    });
    await conn.core.createPersistentVolume({
      body: hostPv('pv-1', 'net', 'worker', { namespace: 'default', name: 'data' }),
    });
    await conn.core.createNamespacedPersistentVolumeClaim({
      namespace: 'default',
      body: {
        metadata: { name: 'data' },
        spec: {
          storageClassName: 'net',
          volumeName: 'pv-1',
          accessModes: ['ReadWriteOnce'],
          resources: { requests: { storage: '1Gi' } },
        },
      },
    });
    const pod = await conn.core.createNamespacedPod({
      namespace: 'default',
      body: {
        metadata: { name: 'db-1' },
        spec: {
          nodeName: 'worker',
          containers: [{ name: 'pg', image: 'postgres' }],
          volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'data' } }],
        },
      },
    });
    const e = await expectedDrainOutcome(conn, 'default', pod);
    expect([e.expected, e.impossible]).to.deep.equal(['pending', ['rescheduled']]);
    expect(e.explanation).to.equal(
      'pod default/db-1 should stay Pending: claim data is bound to PV pv-1, which no node other than worker can use (PV pv-1 requires node affinity kubernetes.io/hostname In [worker]: pinned to one node)',
    );
  });

  it('predicts a reschedule for a pod on movable storage and rules nothing out', async () => {
    await conn.storage.createStorageClass({
      body: { metadata: { name: 'net' }, provisioner: 'rook-ceph.rbd.csi.ceph.com' },
    });
    await conn.core.createNamespacedPersistentVolumeClaim({
      namespace: 'default',
      body: {
        metadata: { name: 'data' },
        spec: {
          storageClassName: 'net',
          accessModes: ['ReadWriteOnce'],
          resources: { requests: { storage: '1Gi' } },
        },
      },
    });
    await conn.core.createNamespacedPod({
      namespace: 'default',
      body: {
        metadata: { name: 'db-2' },
        spec: {
          nodeName: 'worker',
          containers: [{ name: 'pg', image: 'postgres' }],
          volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'data' } }],
        },
      },
    });
    const e = await expectedDrainOutcome(conn, 'default', 'db-2');
    expect([e.expected, e.impossible]).to.deep.equal(['rescheduled', []]);
    expect(e.explanation).to.match(
      /^pod default\/db-2 should be recreated on another node .*built-in-table: row ceph-rbd says mobility cluster/,
    );
  });

  it('fails clearly for a claim that does not exist', async () => {
    await expect(storageForClaim(conn, 'default', 'nope')).to.be.rejectedWith(
      'storage: PersistentVolumeClaim default/nope does not exist',
    );
  });
});
