import type * as k8s from '@kubernetes/client-node';
import { expect } from 'chai';
import { type Cluster, type ClusterOptions, cloudPreset, type Preset, startCluster } from '../index.ts';
import { clientsFor, until } from '../testing/clients.ts';
import { kubectlSession } from '../testing/kubectl-session.ts';

async function withCluster<T>(options: ClusterOptions, body: (cluster: Cluster) => Promise<T>): Promise<T> {
  const cluster = await startCluster({ timeScale: 0.01, seed: 1, ...options });
  try {
    return await body(cluster);
  } finally {
    await cluster.stop();
  }
}

describe('cluster presets', () => {
  describe('kind', () => {
    let cluster: Cluster;
    let core: k8s.CoreV1Api;
    let storage: k8s.StorageV1Api;
    before(async () => {
      // kubectl sends no bearer token to a plain-http server, so this cluster asks for none.
      cluster = await startCluster({ preset: 'kind', timeScale: 0.01, seed: 1, token: false });
      ({ core, storage } = clientsFor(cluster));
    });
    after(() => cluster.stop());

    it('is ready when startCluster resolves: every kindnet and kube-proxy pod Ready', async () => {
      const fresh = await startCluster({ preset: 'kind', timeScale: 0.01, seed: 9 });
      try {
        const pods = (await clientsFor(fresh).core.listNamespacedPod({ namespace: 'kube-system' })).items;
        const ready = pods.filter((p) =>
          p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
        );
        expect([pods.length, ready.length]).to.deep.equal([8, 8]);
      } finally {
        await fresh.stop();
      }
    });

    it('has a tainted control plane and three workers labelled as kind labels them', async () => {
      const nodes = (await core.listNode()).items;
      expect(nodes.map((n) => n.metadata?.name)).to.deep.equal([
        'kind-control-plane',
        'kind-worker',
        'kind-worker2',
        'kind-worker3',
      ]);
      const cp = nodes[0]!;
      expect(cp.spec?.taints).to.deep.equal([
        { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' },
      ]);
      expect(cp.metadata?.labels).to.include({ 'node-role.kubernetes.io/control-plane': '' });
      expect(nodes[2]!.metadata?.labels).to.include({
        'kubernetes.io/hostname': 'kind-worker2',
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
      });
      expect(nodes[2]!.spec?.taints).to.equal(undefined);
    });

    it('has the default StorageClass standard backed by rancher.io/local-path, WaitForFirstConsumer', async () => {
      const sc = await storage.readStorageClass({ name: 'standard' });
      expect(sc.provisioner).to.equal('rancher.io/local-path');
      expect(sc.volumeBindingMode).to.equal('WaitForFirstConsumer');
      expect(sc.reclaimPolicy).to.equal('Delete');
      expect(sc.metadata?.annotations).to.deep.equal({
        'storageclass.kubernetes.io/is-default-class': 'true',
      });
    });

    it('shows its nodes Ready to kubectl, with roles', async () => {
      const kubectl = await kubectlSession(cluster, 30_000);
      try {
        const got = await kubectl.run(['get', 'nodes', '--no-headers']);
        expect(got.stderr).to.equal('');
        const rows = got.stdout
          .trim()
          .split('\n')
          .map((line) => line.split(/\s+/).slice(0, 3));
        expect(rows).to.deep.equal([
          ['kind-control-plane', 'Ready', 'control-plane'],
          ['kind-worker', 'Ready', '<none>'],
          ['kind-worker2', 'Ready', '<none>'],
          ['kind-worker3', 'Ready', '<none>'],
        ]);
      } finally {
        await kubectl.close();
      }
    });
  });

  describe('cloud', () => {
    it('spreads three workers over three zones with a network CSI default class that needs attaching', async () => {
      await withCluster({ preset: 'cloud' }, async (cluster) => {
        const { core, storage } = clientsFor(cluster);
        const nodes = (await core.listNode()).items;
        expect(
          nodes.map((n) => [n.metadata?.name, n.metadata?.labels?.['topology.kubernetes.io/zone']]),
        ).to.deep.equal([
          ['cloud-worker-a', 'zone-a'],
          ['cloud-worker-b', 'zone-b'],
          ['cloud-worker-c', 'zone-c'],
        ]);
        const sc = await storage.readStorageClass({ name: 'standard-rwo' });
        expect([sc.provisioner, sc.volumeBindingMode]).to.deep.equal([
          'rook-ceph.rbd.csi.ceph.com',
          'Immediate',
        ]);
        const driver = await storage.readCSIDriver({ name: 'rook-ceph.rbd.csi.ceph.com' });
        expect(driver.spec.attachRequired).to.equal(true);
      });
    });

    it('runs a pod on a claim only once its volume is attached to the pod node', async () => {
      await withCluster({ preset: 'cloud' }, async (cluster) => {
        const { core, storage } = clientsFor(cluster);
        await core.createNamespacedPersistentVolumeClaim({
          namespace: 'default',
          body: {
            metadata: { name: 'data' },
            spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
          },
        });
        await core.createNamespacedPod({
          namespace: 'default',
          body: {
            metadata: { name: 'db' },
            spec: {
              containers: [{ name: 'db', image: 'postgres:17' }],
              volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }],
            },
          },
        });
        const pod = await until('db to run', async () => {
          const p = await core.readNamespacedPod({ namespace: 'default', name: 'db' });
          return p.status?.phase === 'Running' ? p : undefined;
        });
        const attachments = (await storage.listVolumeAttachment()).items;
        expect(attachments.map((a) => [a.spec.nodeName, a.status?.attached])).to.deep.equal([
          [pod.spec?.nodeName, true],
        ]);
      });
    });

    it("switches to a zonal EBS class with storageMobility 'zone'", async () => {
      await withCluster({ preset: cloudPreset({ storageMobility: 'zone' }) }, async (cluster) => {
        const sc = await clientsFor(cluster).storage.readStorageClass({ name: 'standard-rwo' });
        expect([sc.provisioner, sc.volumeBindingMode]).to.deep.equal([
          'ebs.csi.aws.com',
          'WaitForFirstConsumer',
        ]);
      });
    });
  });

  describe('cloud-zonal', () => {
    it('has two workers per zone and a zonal EBS default class', async () => {
      await withCluster({ preset: 'cloud-zonal' }, async (cluster) => {
        const { core, storage } = clientsFor(cluster);
        const nodes = (await core.listNode()).items;
        expect(
          nodes.map((n) => `${n.metadata?.name}@${n.metadata?.labels?.['topology.kubernetes.io/zone']}`),
        ).to.deep.equal([
          'cloud-worker-a@zone-a',
          'cloud-worker-a2@zone-a',
          'cloud-worker-b@zone-b',
          'cloud-worker-b2@zone-b',
          'cloud-worker-c@zone-c',
          'cloud-worker-c2@zone-c',
        ]);
        const sc = await storage.readStorageClass({ name: 'standard-rwo' });
        expect(sc.provisioner).to.equal('ebs.csi.aws.com');
      });
    });
  });

  describe('cloudPreset options', () => {
    it('names workers per zone when a zone has several', () => {
      const preset = cloudPreset({ zones: 2, workersPerZone: 2 });
      expect(preset.nodes.map((n) => [n.name, n.zone])).to.deep.equal([
        ['cloud-worker-a', 'zone-a'],
        ['cloud-worker-a2', 'zone-a'],
        ['cloud-worker-b', 'zone-b'],
        ['cloud-worker-b2', 'zone-b'],
      ]);
    });

    it('refuses an unknown storage mobility', () => {
      expect(() => cloudPreset({ storageMobility: 'planet' as 'zone' })).to.throw(
        TypeError,
        `cloudPreset: storageMobility must be 'cluster' or 'zone', got "planet"`,
      );
    });
  });

  describe('custom', () => {
    const preset: Preset = {
      name: 'lab',
      nodes: [
        { name: 'db-1', zone: 'east', labels: { disk: 'ssd' }, capacity: { cpu: '2', memory: '4Gi' } },
        { name: 'gpu-1', taints: [{ key: 'gpu', value: 'true', effect: 'NoSchedule' }] },
      ],
      storageClasses: [
        {
          name: 'fast',
          provisioner: 'rancher.io/local-path',
          isDefault: true,
          volumeBindingMode: 'WaitForFirstConsumer',
        },
      ],
      latencies: { imagePull: { min: 0, max: 0 } },
    };

    it('creates the nodes it describes, with zones, labels, taints and capacity', async () => {
      await withCluster({ preset }, async (cluster) => {
        const { core } = clientsFor(cluster);
        const db = await core.readNode({ name: 'db-1' });
        expect(db.metadata?.labels).to.include({
          disk: 'ssd',
          'topology.kubernetes.io/zone': 'east',
          'kubernetes.io/hostname': 'db-1',
        });
        expect(db.status?.allocatable).to.include({ cpu: '2', memory: '4Gi' });
        const gpu = await core.readNode({ name: 'gpu-1' });
        expect(gpu.spec?.taints).to.deep.equal([{ key: 'gpu', value: 'true', effect: 'NoSchedule' }]);
      });
    });

    it('schedules on the nodes whose taints the pod tolerates', async () => {
      await withCluster({ preset }, async (cluster) => {
        const { core } = clientsFor(cluster);
        await core.createNamespacedPod({
          namespace: 'default',
          body: { metadata: { name: 'web' }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
        });
        const pod = await until('web to run', async () => {
          const p = await core.readNamespacedPod({ namespace: 'default', name: 'web' });
          return p.status?.phase === 'Running' ? p : undefined;
        });
        expect(pod.spec?.nodeName).to.equal('db-1');
      });
    });
  });

  describe('extra objects', () => {
    it('creates the objects a preset lists, in order, after its nodes', async () => {
      const preset: Preset = {
        nodes: [{ name: 'n1' }],
        objects: [
          { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } },
          {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name: 'settings', namespace: 'team' },
            data: { a: '1' },
          },
        ],
      };
      await withCluster({ preset }, async (cluster) => {
        const cm = await clientsFor(cluster).core.readNamespacedConfigMap({
          namespace: 'team',
          name: 'settings',
        });
        expect(cm.data).to.deep.equal({ a: '1' });
      });
    });

    it('refuses an object of a kind the cluster does not serve', async () => {
      const preset: Preset = {
        nodes: [{ name: 'n1' }],
        objects: [
          {
            apiVersion: 'certificates.k8s.io/v1',
            kind: 'CertificateSigningRequest',
            metadata: { name: 'web' },
          },
        ],
      };
      const message = await startCluster({ preset }).then(
        (c) => c.stop().then(() => 'started'),
        (err: Error) => err.message,
      );
      expect(message).to.equal(
        'startCluster: preset objects[0]: no served kind "CertificateSigningRequest" in "certificates.k8s.io/v1"',
      );
    });
  });

  describe('without a preset', () => {
    it('is a bare API server: no nodes, and pods are never scheduled', async () => {
      await withCluster({}, async (cluster) => {
        const { core } = clientsFor(cluster);
        expect((await core.listNode()).items).to.deep.equal([]);
        await core.createNamespacedPod({
          namespace: 'default',
          body: { metadata: { name: 'web' }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
        });
        await new Promise((r) => setTimeout(r, 50));
        const pod = await core.readNamespacedPod({ namespace: 'default', name: 'web' });
        expect(pod.status?.conditions ?? []).to.deep.equal([]);
      });
    });
  });

  describe('bad input', () => {
    const refused = (preset: unknown) =>
      startCluster({ preset: preset as Preset }).then(
        (c) => c.stop().then(() => 'started'),
        (err: Error) => err.message,
      );

    it('names the known presets when the name is unknown', async () => {
      expect(await refused('minikube')).to.equal(
        'startCluster: unknown preset "minikube"; known presets: kind, cloud, cloud-zonal (or pass { nodes: [...] } for a custom one)',
      );
    });

    it('refuses a custom preset without nodes', async () => {
      expect(await refused({ nodes: [] })).to.equal(
        'startCluster: preset (custom) nodes: must be a non-empty array of { name, labels?, taints?, zone?, capacity? }',
      );
    });

    it('refuses a taint with an unknown effect, naming the node', async () => {
      expect(
        await refused({ nodes: [{ name: 'n1', taints: [{ key: 'a', effect: 'Sometimes' }] }] }),
      ).to.equal(
        'startCluster: preset (custom) nodes[0] (n1) taints[0]: effect must be one of NoSchedule, PreferNoSchedule, NoExecute, got "Sometimes"',
      );
    });

    it('refuses two nodes with one name', async () => {
      expect(await refused({ nodes: [{ name: 'n1' }, { name: 'n1' }] })).to.equal(
        'startCluster: preset (custom) nodes[1].name: "n1" is used twice',
      );
    });

    it('refuses an unknown latency, listing the known ones', async () => {
      const message = await refused({
        nodes: [{ name: 'n1' }],
        latencies: { warpDrive: { min: 1, max: 2 } },
      });
      expect(message).to.match(
        /^startCluster: preset \(custom\) latencies: unknown latency "warpDrive"; known latencies: schedule, kubeletSync, /,
      );
    });

    it('refuses a latency whose min is above its max', async () => {
      expect(
        await refused({ nodes: [{ name: 'n1' }], latencies: { imagePull: { min: 5, max: 1 } } }),
      ).to.equal(
        'startCluster: preset (custom) latencies: latency "imagePull" must be { min, max } in milliseconds with 0 <= min <= max, got {"min":5,"max":1}',
      );
    });
  });
});
