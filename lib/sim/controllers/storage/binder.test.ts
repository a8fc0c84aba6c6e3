import * as k8s from '@kubernetes/client-node';
import { expect } from 'chai';
import { type Cluster, startCluster } from '../../cluster.ts';
import { type Clients, clientsFor, statusOf, until } from '../../testing/clients.ts';
import { storageControllers } from './index.ts';
import { stopWithoutControllerErrors } from '../../testing/own-errors.ts';

const NS = 'default';

describe('storage: PV binder and provisioners', () => {
  let cluster: Cluster;
  let api: Clients;

  const claim = (
    name: string,
    storageClassName: string | undefined,
    size = '1Gi',
  ): k8s.V1PersistentVolumeClaim => ({
    metadata: { name },
    spec: {
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: size } },
      ...(storageClassName === undefined ? {} : { storageClassName }),
    },
  });

  const readClaim = (name: string) => api.core.readNamespacedPersistentVolumeClaim({ name, namespace: NS });

  const boundClaim = (name: string) =>
    until(`claim ${name} to be Bound`, async () => {
      const c = await readClaim(name);
      return c.status?.phase === 'Bound' ? c : undefined;
    });

  const eventsOf = async (name: string) =>
    (await api.core.listNamespacedEvent({ namespace: NS, fieldSelector: `involvedObject.name=${name}` }))
      .items;

  const event = (name: string, reason: string) =>
    until(`a ${reason} event on ${name}`, async () =>
      (await eventsOf(name)).find((e) => e.reason === reason),
    );

  const selectNode = (name: string, node: string) =>
    api.core.patchNamespacedPersistentVolumeClaim(
      {
        name,
        namespace: NS,
        body: { metadata: { annotations: { 'volume.kubernetes.io/selected-node': node } } },
      },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );

  before(async () => {
    cluster = await startCluster({
      controllers: storageControllers().controllers,
      timeScale: 0.001,
      seed: 11,
    });
    api = clientsFor(cluster);
    for (const name of ['worker-1', 'worker-2']) {
      await api.core.createNode({
        body: { metadata: { name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux' } } },
      });
    }
    await api.storage.createStorageClass({
      body: {
        metadata: {
          name: 'standard',
          annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' },
        },
        provisioner: 'rancher.io/local-path',
        volumeBindingMode: 'WaitForFirstConsumer',
        reclaimPolicy: 'Delete',
      },
    });
    await api.storage.createStorageClass({
      body: {
        metadata: { name: 'kept' },
        provisioner: 'rancher.io/local-path',
        volumeBindingMode: 'WaitForFirstConsumer',
        reclaimPolicy: 'Retain',
      },
    });
    await api.storage.createStorageClass({
      body: {
        metadata: { name: 'local-now' },
        provisioner: 'rancher.io/local-path',
        volumeBindingMode: 'Immediate',
      },
    });
  });

  after(() => stopWithoutControllerErrors(cluster));

  it('keeps a WaitForFirstConsumer claim Pending with the waiting event until a node is selected', async () => {
    const created = await api.core.createNamespacedPersistentVolumeClaim({
      namespace: NS,
      body: claim('notes', 'standard'),
    });
    expect(created.metadata?.finalizers).to.deep.equal(['kubernetes.io/pvc-protection']);
    const waiting = await event('notes', 'WaitForFirstConsumer');
    expect(waiting.message).to.equal('waiting for first consumer to be created before binding');
    expect(waiting.source?.component).to.equal('persistentvolume-controller');
    const c = await readClaim('notes');
    expect(c.status?.phase).to.equal('Pending');
    expect(c.spec?.volumeName).to.equal(undefined);
  });

  it('names the unscheduled pod a WaitForFirstConsumer claim is waiting for', async () => {
    await api.core.createNamespacedPersistentVolumeClaim({
      namespace: NS,
      body: claim('awaited', 'standard'),
    });
    await api.core.createNamespacedPod({
      namespace: NS,
      body: {
        metadata: { name: 'consumer' },
        spec: {
          containers: [{ name: 'c', image: 'busybox' }],
          volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'awaited' } }],
        },
      },
    });
    const waiting = await event('awaited', 'WaitForPodScheduled');
    expect(waiting.message).to.equal('waiting for pod consumer to be scheduled');
    await api.core.deleteNamespacedPod({ name: 'consumer', namespace: NS });
  });

  it('provisions a local-path volume pinned to the selected node and binds claim and volume both ways', async () => {
    await selectNode('notes', 'worker-1');
    const c = await boundClaim('notes');
    const pvName = `pvc-${c.metadata?.uid}`;
    expect(c.spec?.volumeName).to.equal(pvName);
    expect(c.metadata?.annotations).to.deep.include({
      'pv.kubernetes.io/bind-completed': 'yes',
      'pv.kubernetes.io/bound-by-controller': 'yes',
      'volume.kubernetes.io/storage-provisioner': 'rancher.io/local-path',
      'volume.beta.kubernetes.io/storage-provisioner': 'rancher.io/local-path',
      'volume.kubernetes.io/selected-node': 'worker-1',
    });
    expect(c.status).to.deep.include({ accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' } });
    const pv = await until('the PV to be Bound', async () => {
      const v = await api.core.readPersistentVolume({ name: pvName });
      return v.status?.phase === 'Bound' ? v : undefined;
    });
    expect(pv.metadata?.annotations).to.deep.equal({
      'pv.kubernetes.io/provisioned-by': 'rancher.io/local-path',
      'local.path.provisioner/selected-node': 'worker-1',
    });
    expect(pv.metadata?.finalizers).to.deep.equal(['kubernetes.io/pv-protection']);
    expect(pv.spec?.hostPath).to.deep.equal({
      path: `/var/local-path-provisioner/${pvName}_default_notes`,
      type: 'DirectoryOrCreate',
    });
    expect(pv.spec?.nodeAffinity?.required?.nodeSelectorTerms).to.deep.equal([
      { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['worker-1'] }] },
    ]);
    expect(pv.spec?.claimRef).to.deep.include({
      kind: 'PersistentVolumeClaim',
      namespace: NS,
      name: 'notes',
      uid: c.metadata?.uid,
    });
    expect(pv.spec).to.deep.include({
      persistentVolumeReclaimPolicy: 'Delete',
      storageClassName: 'standard',
      volumeMode: 'Filesystem',
    });
  });

  it('records the provisioning events of the PV controller and of the provisioner', async () => {
    const c = await readClaim('notes');
    const byReason = new Map((await eventsOf('notes')).map((e) => [e.reason, e]));
    expect(byReason.get('ExternalProvisioning')?.message).to.equal(
      "Waiting for a volume to be created either by the external provisioner 'rancher.io/local-path' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.",
    );
    expect(byReason.get('Provisioning')?.message).to.equal(
      'External provisioner is provisioning volume for claim "default/notes"',
    );
    expect(byReason.get('ProvisioningSucceeded')?.message).to.equal(
      `Successfully provisioned volume pvc-${c.metadata?.uid}`,
    );
    expect(byReason.get('ProvisioningSucceeded')?.source?.component).to.match(
      /^rancher\.io\/local-path_local-path-provisioner-[a-z0-9]{10}-[a-z0-9]{5}_[0-9a-f-]{36}$/,
    );
  });

  it('gives a claim without a class the default class', async () => {
    await api.core.createNamespacedPersistentVolumeClaim({
      namespace: NS,
      body: claim('classless', undefined),
    });
    const c = await until('the default class on the claim', async () => {
      const got = await readClaim('classless');
      return got.spec?.storageClassName ? got : undefined;
    });
    expect(c.spec?.storageClassName).to.equal('standard');
  });

  it('binds an Immediate claim to the smallest matching static volume', async () => {
    for (const [name, size] of [
      ['static-big', '5Gi'],
      ['static-small', '2Gi'],
      ['static-tiny', '500Mi'],
    ] as const) {
      await api.core.createPersistentVolume({
        body: {
          metadata: { name },
          spec: {
            capacity: { storage: size },
            accessModes: ['ReadWriteOnce'],
            storageClassName: 'manual',
            hostPath: { path: `/data/${name}` },
          },
        },
      });
    }
    await api.core.createNamespacedPersistentVolumeClaim({
      namespace: NS,
      body: claim('manual-claim', 'manual'),
    });
    const c = await boundClaim('manual-claim');
    expect(c.spec?.volumeName).to.equal('static-small');
    expect(c.status?.capacity).to.deep.equal({ storage: '2Gi' });
    const pv = await api.core.readPersistentVolume({ name: 'static-small' });
    expect(pv.metadata?.annotations).to.deep.equal({ 'pv.kubernetes.io/bound-by-controller': 'yes' });
    expect((await api.core.readPersistentVolume({ name: 'static-big' })).status?.phase).to.equal('Available');
  });

  it('deletes a provisioned volume when its claim is deleted and the reclaim policy is Delete', async () => {
    const pvName = (await readClaim('notes')).spec!.volumeName!;
    await api.core.deleteNamespacedPersistentVolumeClaim({ name: 'notes', namespace: NS });
    await until('the PV to be gone', async () =>
      (await statusOf(api.core.readPersistentVolume({ name: pvName }))) === 404 ? true : undefined,
    );
    expect(await statusOf(readClaim('notes'))).to.equal(404);
  });

  it('keeps a Retain volume as Released when its claim is deleted', async () => {
    await api.core.createNamespacedPersistentVolumeClaim({ namespace: NS, body: claim('kept-data', 'kept') });
    await selectNode('kept-data', 'worker-2');
    const pvName = (await boundClaim('kept-data')).spec!.volumeName!;
    await api.core.deleteNamespacedPersistentVolumeClaim({ name: 'kept-data', namespace: NS });
    const pv = await until('the PV to be Released', async () => {
      const v = await api.core.readPersistentVolume({ name: pvName });
      return v.status?.phase === 'Released' ? v : undefined;
    });
    expect(pv.spec?.persistentVolumeReclaimPolicy).to.equal('Retain');
    await new Promise((r) => setTimeout(r, 100));
    expect((await api.core.readPersistentVolume({ name: pvName })).status?.phase).to.equal('Released');
  });

  it('holds a deleted claim while a scheduled pod uses it, and lets it go when the pod is gone', async () => {
    await api.core.createNamespacedPersistentVolumeClaim({
      namespace: NS,
      body: claim('in-use', 'standard'),
    });
    await api.core.createNamespacedPod({
      namespace: NS,
      body: {
        metadata: { name: 'user' },
        spec: {
          nodeName: 'worker-1',
          containers: [{ name: 'c', image: 'busybox' }],
          volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'in-use' } }],
        },
      },
    });
    await api.core.deleteNamespacedPersistentVolumeClaim({ name: 'in-use', namespace: NS });
    await new Promise((r) => setTimeout(r, 100));
    const held = await readClaim('in-use');
    expect(held.metadata?.deletionTimestamp).to.not.equal(undefined);
    expect(held.metadata?.finalizers).to.deep.equal(['kubernetes.io/pvc-protection']);
    await api.core.deleteNamespacedPod({ name: 'user', namespace: NS, gracePeriodSeconds: 0 });
    await until('the claim to be gone', async () =>
      (await statusOf(readClaim('in-use'))) === 404 ? true : undefined,
    );
  });

  it('keeps a deleted volume while its claim is bound to it', async () => {
    await api.core.createNamespacedPersistentVolumeClaim({
      namespace: NS,
      body: claim('fragile', 'standard'),
    });
    await selectNode('fragile', 'worker-2');
    const pvName = (await boundClaim('fragile')).spec!.volumeName!;
    await api.core.deletePersistentVolume({ name: pvName });
    await new Promise((r) => setTimeout(r, 100));
    const held = await api.core.readPersistentVolume({ name: pvName });
    expect(held.metadata?.deletionTimestamp).to.not.equal(undefined);
    expect(held.metadata?.finalizers).to.deep.equal(['kubernetes.io/pv-protection']);
    expect(held.status?.phase).to.equal('Bound');
  });

  it('marks a claim Lost when its volume is removed anyway', async () => {
    const pvName = (await readClaim('fragile')).spec!.volumeName!;
    await api.core.patchPersistentVolume(
      { name: pvName, body: { metadata: { finalizers: null } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    const lost = await until('the claim to be Lost', async () => {
      const c = await readClaim('fragile');
      return c.status?.phase === 'Lost' ? c : undefined;
    });
    expect(lost.status?.capacity).to.equal(undefined);
    const warning = await event('fragile', 'ClaimLost');
    expect(warning.type).to.equal('Warning');
    expect(warning.message).to.equal(
      'Bound claim has lost its PersistentVolume. Data on the volume is lost!',
    );
  });

  it('reports that a node-bound provisioner cannot provision an Immediate claim', async () => {
    await api.core.createNamespacedPersistentVolumeClaim({
      namespace: NS,
      body: claim('too-soon', 'local-now'),
    });
    const failed = await event('too-soon', 'ProvisioningFailed');
    expect(failed.type).to.equal('Warning');
    expect(failed.message).to.equal(
      'failed to provision volume with StorageClass "local-now": configuration error, no node was specified',
    );
    expect((await readClaim('too-soon')).status?.phase).to.equal('Pending');
  });

  it('reports a claim naming a class that does not exist', async () => {
    await api.core.createNamespacedPersistentVolumeClaim({
      namespace: NS,
      body: claim('lost-class', 'nope'),
    });
    const failed = await event('lost-class', 'ProvisioningFailed');
    expect(failed.message).to.equal('storageclass.storage.k8s.io "nope" not found');
  });
});
