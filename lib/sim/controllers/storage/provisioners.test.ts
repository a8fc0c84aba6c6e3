import { expect } from 'chai';
import { startCluster } from '../../cluster.ts';
import { clientsFor, until } from '../../testing/clients.ts';
import { CEPH_RBD, LOCAL_PATH, type Provisioner, storageControllers } from './index.ts';

describe('storage: the provisioner table', () => {
  it('serves node-bound, zonal and cluster-wide provisioners out of the box', () => {
    const { provisioners } = storageControllers();
    expect([...provisioners.values()].map((p) => [p.name, p.mobility])).to.deep.equal([
      ['rancher.io/local-path', 'node'],
      ['ebs.csi.aws.com', 'zone'],
      ['pd.csi.storage.gke.io', 'zone'],
      ['rook-ceph.rbd.csi.ceph.com', 'cluster'],
    ]);
  });

  it('takes a user provisioner, replacing a built-in of the same name', () => {
    const fast: Provisioner = { ...CEPH_RBD, latency: { ...CEPH_RBD.latency, attach: { min: 0, max: 0 } } };
    const nfs: Provisioner = { ...CEPH_RBD, name: 'nfs.csi.k8s.io', controllerName: 'csi-nfs-controller' };
    const { provisioners, addProvisioner } = storageControllers({ provisioners: [fast] });
    addProvisioner(nfs);
    expect(provisioners.get('rook-ceph.rbd.csi.ceph.com')?.latency.attach).to.deep.equal({ min: 0, max: 0 });
    expect(provisioners.get('nfs.csi.k8s.io')?.mobility).to.equal('cluster');
  });

  it('refuses a provisioner with an unknown mobility, saying what is accepted', () => {
    const bad = { ...LOCAL_PATH, mobility: 'region' } as unknown as Provisioner;
    expect(() => storageControllers({ provisioners: [bad] })).to.throw(
      TypeError,
      `storage provisioner "rancher.io/local-path": mobility must be 'node', 'zone' or 'cluster', got region`,
    );
  });

  it('refuses a latency range that runs backwards', () => {
    const bad: Provisioner = {
      ...LOCAL_PATH,
      latency: { ...LOCAL_PATH.latency, provision: { min: 5, max: 1 } },
    };
    expect(() => storageControllers().addProvisioner(bad)).to.throw(
      TypeError,
      'storage provisioner "rancher.io/local-path": latency.provision must be { min, max } with 0 <= min <= max (milliseconds)',
    );
  });

  it('refuses a volume that follows pods without a CSI source', () => {
    const bad: Provisioner = { ...LOCAL_PATH, mobility: 'cluster' };
    expect(() => storageControllers().addProvisioner(bad)).to.throw(
      TypeError,
      `storage provisioner "rancher.io/local-path": only node-bound provisioners can use a hostPath source; use 'csi'`,
    );
  });

  it('replays the same volume for the same seed', async () => {
    const run = async (seed: number) => {
      const cluster = await startCluster({
        controllers: storageControllers().controllers,
        timeScale: 0.001,
        seed,
      });
      try {
        const api = clientsFor(cluster);
        await api.storage.createStorageClass({
          body: { metadata: { name: 'ceph' }, provisioner: 'rook-ceph.rbd.csi.ceph.com' },
        });
        await api.core.createNamespacedPersistentVolumeClaim({
          namespace: 'default',
          body: {
            metadata: { name: 'data' },
            spec: {
              accessModes: ['ReadWriteOnce'],
              resources: { requests: { storage: '1Gi' } },
              storageClassName: 'ceph',
            },
          },
        });
        const pvName = await until('the claim to be bound', async () => {
          const c = await api.core.readNamespacedPersistentVolumeClaim({
            name: 'data',
            namespace: 'default',
          });
          return c.spec?.volumeName;
        });
        const pv = await api.core.readPersistentVolume({ name: pvName });
        const events = await api.core.listNamespacedEvent({ namespace: 'default' });
        const provisioner = events.items.find((e) => e.reason === 'ProvisioningSucceeded')?.source?.component;
        return {
          pvName,
          handle: pv.spec?.csi?.volumeHandle,
          image: pv.spec?.csi?.volumeAttributes?.imageName,
          provisioner,
        };
      } finally {
        await cluster.stop();
      }
    };
    const first = await run(42);
    expect(await run(42)).to.deep.equal(first);
    expect((await run(43)).handle).to.not.equal(first.handle);
  });
});
