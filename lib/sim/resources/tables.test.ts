import { expect } from 'chai';
import { type Cluster, startCluster } from '../cluster.ts';

const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io';

interface Table {
  columnDefinitions: { name: string; priority: number }[];
  rows: { cells: unknown[] }[];
}

describe('server-side tables', () => {
  let cluster: Cluster;

  before(async () => {
    cluster = await startCluster({ seed: 17, token: false });
    const api = cluster.api;
    const r = (g: string, p: string) => api.resource(g, p);
    api.create(r('', 'persistentvolumeclaims'), 'default', {
      metadata: { name: 'data' },
      spec: {
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: '1Gi' } },
        storageClassName: 'standard',
        volumeName: 'pv-1',
      },
    });
    const pvc = api.get(r('', 'persistentvolumeclaims'), 'default', 'data');
    pvc.status = { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' } };
    api.update(r('', 'persistentvolumeclaims'), 'default', 'data', pvc, { subresource: 'status' });
    api.create(r('', 'persistentvolumes'), undefined, {
      metadata: { name: 'pv-1' },
      spec: {
        capacity: { storage: '1Gi' },
        accessModes: ['ReadWriteOnce'],
        hostPath: { path: '/data' },
        claimRef: { namespace: 'default', name: 'data' },
        storageClassName: 'standard',
        persistentVolumeReclaimPolicy: 'Delete',
      },
    });
    api.create(r('storage.k8s.io', 'storageclasses'), undefined, {
      metadata: { name: 'standard', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
      provisioner: 'rancher.io/local-path',
      volumeBindingMode: 'WaitForFirstConsumer',
    });
    api.create(r('policy', 'poddisruptionbudgets'), 'default', {
      metadata: { name: 'pg-primary' },
      spec: { minAvailable: 1, selector: { matchLabels: { role: 'primary' } } },
    });
    api.create(r('batch', 'jobs'), 'default', {
      metadata: { name: 'pg-1-initdb' },
      spec: {
        template: {
          spec: { restartPolicy: 'Never', containers: [{ name: 'initdb', image: 'postgres:18' }] },
        },
      },
    });
    api.create(r('apps', 'daemonsets'), 'kube-system', {
      metadata: { name: 'kindnet' },
      spec: {
        selector: { matchLabels: { app: 'kindnet' } },
        template: {
          metadata: { labels: { app: 'kindnet' } },
          spec: {
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            containers: [{ name: 'cni', image: 'kindnetd' }],
          },
        },
      },
    });
    api.create(r('', 'events'), 'default', {
      metadata: { name: 'data.1' },
      involvedObject: { kind: 'PersistentVolumeClaim', namespace: 'default', name: 'data' },
      reason: 'WaitForFirstConsumer',
      message: 'waiting for first consumer to be created before binding',
      type: 'Normal',
      source: { component: 'persistentvolume-controller' },
      count: 2,
    });
  });
  after(() => cluster.stop());

  async function table(path: string): Promise<{ columns: string[]; cells: unknown[] }> {
    const res = await fetch(`${cluster.url}${path}`, { headers: { accept: TABLE } });
    const body = (await res.json()) as Table;
    return { columns: body.columnDefinitions.map((c) => c.name), cells: body.rows[0]!.cells };
  }

  it('prints PVCs with status, volume, capacity, access modes and class', async () => {
    const t = await table('/api/v1/namespaces/default/persistentvolumeclaims');
    expect(t.columns).to.deep.equal([
      'Name',
      'Status',
      'Volume',
      'Capacity',
      'Access Modes',
      'StorageClass',
      'VolumeAttributesClass',
      'Age',
      'VolumeMode',
    ]);
    expect(t.cells.slice(0, 7)).to.deep.equal(['data', 'Bound', 'pv-1', '1Gi', 'RWO', 'standard', '<unset>']);
  });

  it('prints PVs with their claim and reclaim policy', async () => {
    const t = await table('/api/v1/persistentvolumes');
    expect(t.columns).to.deep.equal([
      'Name',
      'Capacity',
      'Access Modes',
      'Reclaim Policy',
      'Status',
      'Claim',
      'StorageClass',
      'VolumeAttributesClass',
      'Reason',
      'Age',
      'VolumeMode',
    ]);
    expect(t.cells.slice(0, 7)).to.deep.equal([
      'pv-1',
      '1Gi',
      'RWO',
      'Delete',
      'Pending',
      'default/data',
      'standard',
    ]);
  });

  it('marks the default storage class in its name', async () => {
    const t = await table('/apis/storage.k8s.io/v1/storageclasses');
    expect(t.columns).to.deep.equal([
      'Name',
      'Provisioner',
      'ReclaimPolicy',
      'VolumeBindingMode',
      'AllowVolumeExpansion',
      'Age',
    ]);
    expect(t.cells.slice(0, 5)).to.deep.equal([
      'standard (default)',
      'rancher.io/local-path',
      'Delete',
      'WaitForFirstConsumer',
      'false',
    ]);
  });

  it('prints PDBs with N/A for the bound they do not set', async () => {
    const t = await table('/apis/policy/v1/namespaces/default/poddisruptionbudgets');
    expect(t.columns).to.deep.equal([
      'Name',
      'Min Available',
      'Max Unavailable',
      'Allowed Disruptions',
      'Age',
    ]);
    expect(t.cells.slice(0, 4)).to.deep.equal(['pg-primary', '1', 'N/A', 0]);
  });

  it('prints jobs with status and completions', async () => {
    const t = await table('/apis/batch/v1/namespaces/default/jobs');
    expect(t.columns).to.deep.equal([
      'Name',
      'Status',
      'Completions',
      'Duration',
      'Age',
      'Containers',
      'Images',
      'Selector',
    ]);
    expect(t.cells.slice(0, 4)).to.deep.equal(['pg-1-initdb', 'Running', '0/1', '']);
  });

  it('prints daemonsets with their counts and node selector', async () => {
    const t = await table('/apis/apps/v1/namespaces/kube-system/daemonsets');
    expect(t.columns).to.deep.equal([
      'Name',
      'Desired',
      'Current',
      'Ready',
      'Up-to-date',
      'Available',
      'Node Selector',
      'Age',
      'Containers',
      'Images',
      'Selector',
    ]);
    expect(t.cells.slice(0, 7)).to.deep.equal(['kindnet', 0, 0, 0, 0, 0, 'kubernetes.io/os=linux']);
  });

  it('prints events with Last Seen first and the name last, as kubectl does', async () => {
    const t = await table('/api/v1/namespaces/default/events');
    expect(t.columns).to.deep.equal([
      'Last Seen',
      'Type',
      'Reason',
      'Object',
      'Subobject',
      'Source',
      'Message',
      'First Seen',
      'Count',
      'Name',
    ]);
    expect(t.cells.slice(1, 7)).to.deep.equal([
      'Normal',
      'WaitForFirstConsumer',
      'persistentvolumeclaim/data',
      '',
      'persistentvolume-controller',
      'waiting for first consumer to be created before binding',
    ]);
    expect(t.cells.slice(8)).to.deep.equal([2, 'data.1']);
  });
});
