import * as chai from 'chai';
import chaiAsPromised from 'chai-as-promised';
import { type Connection, connect } from '../client/index.ts';
import { type Cluster, startCluster } from '../sim/index.ts';
import {
  expectSamePvcs,
  getCluster,
  instancePods,
  primaryPod,
  pvcIdentities,
  pvcIdentityChanges,
} from './cluster.ts';
import { promote } from './promote.ts';
import { CNPG_GROUP, CNPG_PLURAL, CNPG_VERSION } from './types.ts';

chai.use(chaiAsPromised);
const { expect } = chai;

// No operator runs here: the objects are written as the operator would label them.
describe('CloudNativePG cluster helpers', () => {
  let sim: Cluster;
  let conn: Connection;
  const namespace = 'pg';

  const pod = (name: string, labels: Record<string, string>) =>
    conn.core.createNamespacedPod({
      namespace,
      body: { metadata: { name, labels }, spec: { containers: [{ name: 'postgres', image: 'pg' }] } },
    });
  const pvc = (name: string) =>
    conn.core.createNamespacedPersistentVolumeClaim({
      namespace,
      body: {
        metadata: {
          name,
          labels: { 'cnpg.io/cluster': 'db', 'cnpg.io/instanceName': name.replace(/-wal$/, '') },
        },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
      },
    });

  before(async () => {
    sim = await startCluster({ seed: 5 });
    conn = await connect({ kubeconfig: sim.kubeconfig });
    await conn.core.createNamespace({ body: { metadata: { name: namespace } } });
    await conn.custom.createNamespacedCustomObject({
      group: CNPG_GROUP,
      version: CNPG_VERSION,
      plural: CNPG_PLURAL,
      namespace,
      body: {
        apiVersion: 'postgresql.cnpg.io/v1',
        kind: 'Cluster',
        metadata: { name: 'db' },
        spec: { instances: 2 },
      },
    });
    await conn.custom.patchNamespacedCustomObjectStatus({
      group: CNPG_GROUP,
      version: CNPG_VERSION,
      plural: CNPG_PLURAL,
      namespace,
      name: 'db',
      body: [
        {
          op: 'add',
          path: '/status',
          value: { currentPrimary: 'db-1', targetPrimary: 'db-1', phase: 'Cluster in healthy state' },
        },
      ],
    });
    const instance = { 'cnpg.io/cluster': 'db', 'cnpg.io/podRole': 'instance' };
    await pod('db-1', { ...instance, 'cnpg.io/instanceRole': 'primary' });
    await pod('db-2', { ...instance, 'cnpg.io/instanceRole': 'replica' });
    await pod('db-2-join-abcde', { 'cnpg.io/cluster': 'db', 'cnpg.io/jobRole': 'join' });
    await pvc('db-1');
    await pvc('db-1-wal');
    await pvc('db-2');
  });

  after(async () => {
    conn.close();
    await sim.stop();
  });

  it('lists instance pods but not the pods of its Jobs', async () => {
    expect((await instancePods(conn, namespace, 'db')).map((p) => p.metadata?.name)).to.deep.equal([
      'db-1',
      'db-2',
    ]);
  });

  it('finds the pod labelled primary', async () => {
    expect((await primaryPod(conn, namespace, 'db')).metadata?.name).to.equal('db-1');
  });

  it('waits for the primary label, and says so when no pod carries it', async () => {
    await conn.core.patchNamespacedPod({
      namespace,
      name: 'db-1',
      body: [{ op: 'replace', path: '/metadata/labels/cnpg.io~1instanceRole', value: 'unhealthy' }],
    });
    try {
      const err = (await primaryPod(conn, namespace, 'db', { timeout: '1s' }).catch(
        (e: unknown) => e,
      )) as Error;
      expect(
        err?.message
          .replace(/after [\d.]+m?s/, 'after Nms')
          .split('\n')
          .slice(0, 2),
      ).to.deep.equal([
        'Timed out after Nms of 1s: expected pods in pg with cnpg.io/cluster=db,cnpg.io/instanceRole=primary to include a live pod labelled primary.',
        '  last seen: no pod is labelled cnpg.io/instanceRole=primary',
      ]);
      setTimeout(
        () =>
          void conn.core.patchNamespacedPod({
            namespace,
            name: 'db-1',
            body: [{ op: 'replace', path: '/metadata/labels/cnpg.io~1instanceRole', value: 'primary' }],
          }),
        100,
      );
      expect((await primaryPod(conn, namespace, 'db', { timeout: '30s' })).metadata?.name).to.equal('db-1');
    } finally {
      await conn.core.patchNamespacedPod({
        namespace,
        name: 'db-1',
        body: [{ op: 'replace', path: '/metadata/labels/cnpg.io~1instanceRole', value: 'primary' }],
      });
    }
  });

  it('maps every PVC of the cluster to its uid', async () => {
    const ids = await pvcIdentities(conn, namespace, 'db');
    expect([...ids.keys()]).to.deep.equal(['db-1', 'db-1-wal', 'db-2']);
    for (const uid of ids.values()) expect(uid).to.match(/^[0-9a-f-]{36}$/);
  });

  it('describes a PVC recreated under the same name as a new claim', () => {
    const before = new Map([
      ['db-1', 'aaaa'],
      ['db-2', 'bbbb'],
    ]);
    const after = new Map([
      ['db-1', 'aaaa'],
      ['db-2', 'cccc'],
      ['db-3', 'dddd'],
    ]);
    expect(pvcIdentityChanges(before, after)).to.equal(
      '  db-2: uid bbbb → cccc (a new claim under the same name)\n  db-3: new (uid dddd)',
    );
    expect(pvcIdentityChanges(before, before)).to.equal(undefined);
  });

  it('fails expectSamePvcs with what changed when a claim was replaced', async () => {
    const before = await pvcIdentities(conn, namespace, 'db');
    await conn.core.deleteNamespacedPersistentVolumeClaim({ namespace, name: 'db-2' });
    await pvc('db-2');
    const now = (await pvcIdentities(conn, namespace, 'db')).get('db-2');
    await expect(expectSamePvcs(conn, namespace, 'db', before)).to.be.rejectedWith(
      `expected the PVCs of cluster pg/db to be reused (same names and uids), but:\n  db-2: uid ${before.get('db-2')} → ${now} (a new claim under the same name)`,
    );
  });

  it('promotes an instance by setting status.targetPrimary like kubectl cnpg promote', async () => {
    await promote(conn, namespace, 'db', 'db-2');
    const status = (await getCluster(conn, namespace, 'db')).status!;
    expect(status.targetPrimary).to.equal('db-2');
    expect(status.currentPrimary).to.equal('db-1');
    expect(status.phase).to.equal('Switchover in progress');
    expect(status.phaseReason).to.equal('Switching over to db-2');
    expect(status.targetPrimaryTimestamp).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  });

  it('refuses to promote a pod that is not an instance of the cluster', async () => {
    await expect(promote(conn, namespace, 'db', 'db-2-join-abcde')).to.be.rejectedWith(
      'promote: db-2-join-abcde is not an instance of cluster pg/db; its instances are db-1, db-2',
    );
  });

  it('refuses to promote the current primary', async () => {
    await expect(promote(conn, namespace, 'db', 'db-1')).to.be.rejectedWith(
      'promote: db-1 is already the primary of cluster pg/db',
    );
  });
});
