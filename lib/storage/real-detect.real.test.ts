/**
 * Storage detection against the real objects of a real control plane: no-provisioner classes
 * whose static PVs are pinned to a node (hostname affinity) or usable anywhere (no affinity),
 * before and after the real scheduler and PV binder have bound a claim.
 */
import { expect } from 'chai';
import { type Connection, connect } from '../client/index.ts';
import { realOnlyDescribe, startTestCluster, type TestCluster } from '../controlplane/testing/test-target.ts';
import { eventuallyPod, eventuallyPvc } from '../index.ts';
import { detectStorage } from './index.ts';

realOnlyDescribe('storage detection on a real control plane', () => {
  let cluster: TestCluster;
  let conn: Connection;
  before(async () => {
    cluster = await startTestCluster({}, { preset: 'kind' });
    conn = await connect({ kubeconfig: cluster.kubeconfig });
    await conn.core.createNamespace({ body: { metadata: { name: 'storage' } } });
  });
  after(async () => {
    conn?.close();
    await cluster?.stop();
  });

  it('classifies the default class, whose PVs are pinned by hostname, as node-bound: a drain leaves the pod Pending', async () => {
    const verdict = await detectStorage(conn);
    expect(verdict.storageClass).to.equal('standard');
    expect(verdict.provisioner).to.equal('kubernetes.io/no-provisioner');
    expect(verdict.mobility.value).to.equal('node');
    expect(verdict.mobility.evidence[0]).to.deep.include({ source: 'persistent-volume' });
    expect(verdict.mobility.evidence[0]?.detail).to.match(
      /^PV pinned-kind-worker\d?-\d+ requires node affinity kubernetes\.io\/hostname In \[kind-worker\d?\]: pinned to one node/,
    );
    expect(verdict.drainOutcome.value).to.equal('pending');
    expect(verdict.volumeBindingMode).to.equal('WaitForFirstConsumer');
  });

  it('classifies the class whose PVs have no node affinity as movable, the cluster winning over the built-in table', async () => {
    const verdict = await detectStorage(conn, { storageClass: 'standard-rwo' });
    expect(verdict.mobility.value).to.equal('cluster');
    expect(verdict.mobility.evidence[0]?.detail).to.match(
      /^PV movable-\d+ has no required node affinity: it can be used on any node/,
    );
    expect(verdict.drainOutcome.value).to.equal('rescheduled');
    expect(verdict.notes).to.include(
      "the built-in table says mobility node, but the cluster shows cluster (persistent-volume); the cluster's evidence wins",
    );
  });

  it('still says node-bound once the real scheduler and PV binder have bound a claim to a pinned PV', async () => {
    await conn.core.createNamespacedPersistentVolumeClaim({
      namespace: 'storage',
      body: {
        metadata: { name: 'data' },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
      },
    });
    await conn.core.createNamespacedPod({
      namespace: 'storage',
      body: {
        metadata: { name: 'db' },
        spec: {
          containers: [{ name: 'db', image: 'postgres' }],
          volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }],
        },
      },
    });
    const pod = await eventuallyPod(conn, 'storage', 'db', { timeout: '60s' }).toBeReady();
    const claim = await eventuallyPvc(conn, 'storage', 'data', { timeout: '30s' }).toBeBound();
    const volume = claim.spec?.volumeName ?? '';
    expect(volume).to.match(new RegExp(`^pinned-${pod.spec?.nodeName}-\\d+$`));
    const verdict = await detectStorage(conn);
    expect(verdict.mobility.value).to.equal('node');
  });
});
