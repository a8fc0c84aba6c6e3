import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { type Connection, connect } from '../client/index.ts';
import { type Cluster, cloudPreset, kindPreset, type Preset, startCluster } from '../sim/index.ts';
import { storageForClaim } from './claim-storage.ts';
import { detectStorage } from './detect.ts';

const FAST = { min: 0, max: 10 };
const LATENCY = { provision: FAST, delete: FAST, attach: FAST, detach: FAST };

/** A preset with one more class whose provisioner kubexpect has never heard of. */
function withMystery(base: Preset, mobility: 'node' | 'cluster'): Preset {
  const name = mobility === 'node' ? 'mystery-local.example.com' : 'mystery-net.example.com';
  return {
    ...base,
    storageClasses: [
      ...(base.storageClasses ?? []),
      { name: 'mystery', provisioner: name, volumeBindingMode: 'WaitForFirstConsumer' },
    ],
    csiDrivers: [
      ...(base.csiDrivers ?? []),
      ...(mobility === 'cluster' ? [{ name, attachRequired: true }] : []),
    ],
    storage: {
      provisioners: [
        {
          name,
          mobility,
          source: mobility === 'node' ? 'hostPath' : 'csi',
          controllerName: 'mystery-provisioner',
          latency: LATENCY,
        },
      ],
    },
  };
}

/** Claims a volume of the class and mounts it in a pod, so the simulated provisioner creates a PV. */
async function provision(conn: Connection, storageClassName: string): Promise<void> {
  await conn.core.createNamespacedPersistentVolumeClaim({
    namespace: 'default',
    body: {
      metadata: { name: `data-${storageClassName}` },
      spec: { storageClassName, accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    },
  });
  await conn.core.createNamespacedPod({
    namespace: 'default',
    body: {
      metadata: { name: `user-${storageClassName}` },
      spec: {
        containers: [{ name: 'c', image: 'busybox' }],
        volumes: [{ name: 'd', persistentVolumeClaim: { claimName: `data-${storageClassName}` } }],
      },
    },
  });
  const deadline = Date.now() + 10_000;
  for (;;) {
    const pvs = await conn.core.listPersistentVolume();
    if (pvs.items.some((pv) => pv.spec?.storageClassName === storageClassName)) return;
    if (Date.now() > deadline)
      throw new Error(`no PV was provisioned for class ${storageClassName} within 10s`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('detectStorage on the embedded presets', () => {
  let cluster: Cluster;
  let conn: Connection;

  async function start(preset: Preset): Promise<void> {
    cluster = await startCluster({ preset, timeScale: 0.01, seed: 11 });
    conn = await connect({ kubeconfig: cluster.kubeconfig });
  }
  afterEach(async () => {
    conn?.close();
    await cluster?.stop();
  });

  it("classifies the kind preset's default class as node-pinned from the table", async () => {
    await start(kindPreset());
    const v = await detectStorage(conn);
    expect([v.storageClass, v.mobility.value, v.drainOutcome.value]).to.deep.equal([
      'standard',
      'node',
      'pending',
    ]);
    expect(v.mobility.evidence[0]?.source).to.equal('built-in-table');
  });

  it('lets a profile file named by KUBEXPECT_STORAGE_PROFILES override the built-in row', async () => {
    await start(kindPreset());
    const file = join(await mkdtemp(join(tmpdir(), 'kubexpect-')), 'profiles.yaml');
    await writeFile(
      file,
      'profiles:\n  - name: shared-local-path\n    match: { provisioner: rancher.io/local-path }\n    mobility: cluster\n',
    );
    const saved = process.env.KUBEXPECT_STORAGE_PROFILES;
    process.env.KUBEXPECT_STORAGE_PROFILES = file;
    try {
      const v = await detectStorage(conn);
      expect([v.profile, v.mobility.value, v.drainOutcome.value]).to.deep.equal([
        'shared-local-path',
        'cluster',
        'rescheduled',
      ]);
    } finally {
      if (saved === undefined) delete process.env.KUBEXPECT_STORAGE_PROFILES;
      else process.env.KUBEXPECT_STORAGE_PROFILES = saved;
    }
    expect((await detectStorage(conn)).profile).to.equal('local-path');
  });

  it("confirms the kind preset's classification from the PVs local-path provisions", async () => {
    await start(kindPreset());
    await provision(conn, 'standard');
    const v = await detectStorage(conn);
    expect(v.mobility.value).to.equal('node');
    expect(v.mobility.evidence[0]?.source).to.equal('persistent-volume');
    expect(v.mobility.evidence[0]?.detail).to.match(
      /requires node affinity kubernetes\.io\/hostname In \[kind-worker\d?\]/,
    );
    expect(v.notes).to.deep.equal([]);
  });

  it("classifies the cloud preset's default class as movable from the table", async () => {
    await start(cloudPreset());
    const v = await detectStorage(conn);
    expect([v.storageClass, v.mobility.value, v.drainOutcome.value]).to.deep.equal([
      'standard-rwo',
      'cluster',
      'rescheduled',
    ]);
  });

  it('classifies the zonal cloud preset as zonal', async () => {
    await start(cloudPreset({ storageMobility: 'zone' }));
    const v = await detectStorage(conn);
    expect([v.provisioner, v.mobility.value, v.drainOutcome.value]).to.deep.equal([
      'ebs.csi.aws.com',
      'zone',
      'either',
    ]);
  });

  it('treats a zonal volume as pinned when no other node shares its zone', async () => {
    await start(cloudPreset({ storageMobility: 'zone' }));
    await provision(conn, 'standard-rwo');
    const claim = await storageForClaim(conn, 'default', 'data-standard-rwo');
    expect(claim.mobility.value).to.equal('zone');
    expect(claim.usableOn).to.have.length(1);
    expect([claim.canMoveAcrossNodes, claim.drainOutcome.value]).to.deep.equal([false, 'pending']);
  });

  it('detects an unknown node-local provisioner as node-pinned from PV evidence alone', async () => {
    await start(withMystery(kindPreset(), 'node'));
    const before = await detectStorage(conn, { storageClass: 'mystery' });
    expect(before.mobility.value).to.equal('unknown');
    await provision(conn, 'mystery');
    const v = await detectStorage(conn, { storageClass: 'mystery' });
    expect([v.profile, v.mobility.value, v.drainOutcome.value]).to.deep.equal([undefined, 'node', 'pending']);
    expect(v.mobility.evidence[0]?.source).to.equal('persistent-volume');
  });

  it('detects an unknown network provisioner as movable from PV evidence alone', async () => {
    await start(withMystery(cloudPreset(), 'cluster'));
    await provision(conn, 'mystery');
    const v = await detectStorage(conn, { storageClass: 'mystery' });
    expect([v.profile, v.mobility.value, v.drainOutcome.value]).to.deep.equal([
      undefined,
      'cluster',
      'rescheduled',
    ]);
    expect(v.mobility.evidence[0]?.detail).to.match(
      /^PV \S+ has no required node affinity: it can be used on any node$/,
    );
  });
});
