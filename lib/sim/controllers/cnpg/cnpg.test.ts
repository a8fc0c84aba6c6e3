import * as k8s from '@kubernetes/client-node';
import { expect } from 'chai';
import { type Cluster, startCluster } from '../../cluster.ts';
import { clientsFor, refusal, until as waitUntil } from '../../testing/clients.ts';
import { cnpgController } from './index.ts';
import { FakeNodeAgents } from './test-agents.ts';

const GROUP = 'postgresql.cnpg.io';
const mergePatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);

interface ClusterStatusView {
  phase?: string;
  phaseReason?: string;
  instances?: number;
  readyInstances?: number;
  instanceNames?: string[];
  instancesStatus?: Record<string, string[]>;
  currentPrimary?: string;
  targetPrimary?: string;
  currentPrimaryTimestamp?: string;
  targetPrimaryTimestamp?: string;
  latestGeneratedNode?: number;
  healthyPVC?: string[];
  conditions?: { type: string; status: string; reason: string; message: string }[];
  writeService?: string;
  readService?: string;
  selector?: string;
}

interface ClusterView {
  metadata: { name: string; uid: string; generation: number };
  spec: Record<string, unknown> & { instances: number };
  status?: ClusterStatusView;
}

/**
 * The shared poll, with this file's budget: generous, since a passing wait returns at once and a
 * busy machine runs the simulated cluster many times slower.
 */
const until = <T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 60_000,
): Promise<T> => waitUntil(what, probe, timeoutMs);

describe('cnpgController on a bare API server (the test plays scheduler, kubelet, Job controller and local storage)', function () {
  this.timeout(240_000);
  let cluster: Cluster;
  let kc: k8s.KubeConfig;
  let core: k8s.CoreV1Api;
  let batch: k8s.BatchV1Api;
  let policy: k8s.PolicyV1Api;
  let custom: k8s.CustomObjectsApi;
  let nsCounter = 0;
  const agents: FakeNodeAgents[] = [];

  before(async () => {
    cluster = await startCluster({ controllers: [cnpgController()], timeScale: 0.01, seed: 11 });
    ({ kc, core, batch, policy, custom } = clientsFor(cluster));
    for (const name of ['worker-1', 'worker-2', 'worker-3']) {
      await core.createNode({
        body: {
          metadata: { name, labels: { 'kubernetes.io/hostname': name } },
          status: { conditions: [{ type: 'Ready', status: 'True' }] },
        },
      });
    }
  });

  after(async () => {
    for (const a of agents) a.stop();
    await cluster.stop();
  });

  afterEach(async () => {
    for (const a of agents) a.stop();
    agents.length = 0;
    for (const name of ['worker-1', 'worker-2', 'worker-3']) {
      await core.patchNode({ name, body: { spec: { unschedulable: null } } }, mergePatch);
    }
  });

  async function namespace(): Promise<string> {
    const ns = `cnpg-${++nsCounter}`;
    await core.createNamespace({ body: { metadata: { name: ns } } });
    return ns;
  }

  function createCluster(ns: string, name: string, spec: Record<string, unknown>): Promise<ClusterView> {
    return custom.createNamespacedCustomObject({
      group: GROUP,
      version: 'v1',
      namespace: ns,
      plural: 'clusters',
      body: { apiVersion: `${GROUP}/v1`, kind: 'Cluster', metadata: { name }, spec },
    }) as Promise<ClusterView>;
  }

  function readCluster(ns: string, name: string): Promise<ClusterView> {
    return custom.getNamespacedCustomObject({
      group: GROUP,
      version: 'v1',
      namespace: ns,
      plural: 'clusters',
      name,
    }) as Promise<ClusterView>;
  }

  /** Records every distinct (phase, reason) the Cluster goes through, from a watch. */
  async function recordPhases(ns: string, name: string): Promise<{ seen: string[]; stop: () => void }> {
    const seen: string[] = [];
    const watch = new k8s.Watch(kc);
    const ctrl = await watch.watch(
      `/apis/${GROUP}/v1/namespaces/${ns}/clusters`,
      { fieldSelector: `metadata.name=${name}` },
      (_type, obj: ClusterView) => {
        const entry = `${obj.status?.phase ?? ''} | ${obj.status?.phaseReason ?? ''}`;
        if (obj.status?.phase && seen[seen.length - 1] !== entry) seen.push(entry);
      },
      () => {},
    );
    return { seen, stop: () => ctrl.abort() };
  }

  function healthy(ns: string, name: string, instances: number) {
    return until(`cluster ${ns}/${name} healthy with ${instances} ready instances`, async () => {
      const c = await readCluster(ns, name);
      return c.status?.phase === 'Cluster in healthy state' && c.status.readyInstances === instances && c;
    });
  }

  async function bootstrap(
    name: string,
    spec: Record<string, unknown>,
  ): Promise<{ ns: string; agents: FakeNodeAgents }> {
    const ns = await namespace();
    const a = new FakeNodeAgents(kc, ns).start();
    agents.push(a);
    await createCluster(ns, name, spec);
    await healthy(ns, name, spec.instances as number);
    return { ns, agents: a };
  }

  async function primaryPod(ns: string, cluster: string) {
    const pods = await core.listNamespacedPod({
      namespace: ns,
      labelSelector: `cnpg.io/cluster=${cluster},cnpg.io/instanceRole=primary`,
    });
    return pods.items.find((p) => !p.metadata?.deletionTimestamp);
  }

  describe('defaulting and validation (the operator webhooks)', () => {
    it('writes the defaults into the spec of a new Cluster', async () => {
      const ns = await namespace();
      const created = await createCluster(ns, 'pg', {
        instances: 2,
        storage: { size: '1Gi' },
        nodeMaintenanceWindow: { inProgress: false },
      });
      expect(created.spec).to.deep.include({
        instances: 2,
        enablePDB: true,
        failoverDelay: 0,
        switchoverDelay: 3600,
        primaryUpdateStrategy: 'unsupervised',
        primaryUpdateMethod: 'restart',
        enableSuperuserAccess: false,
        imageName: 'ghcr.io/cloudnative-pg/postgresql:18.4-system-trixie',
      });
      expect(created.spec.nodeMaintenanceWindow).to.deep.equal({ inProgress: false, reusePVC: true });
      expect(created.spec.affinity).to.deep.equal({ podAntiAffinityType: 'preferred' });
      expect(created.spec.storage).to.deep.equal({ size: '1Gi', resizeInUseVolumes: true });
      expect((created.spec.bootstrap as { initdb: unknown }).initdb).to.deep.equal({
        database: 'app',
        owner: 'app',
        encoding: 'UTF8',
        localeCollate: 'C',
        localeCType: 'C',
      });
    });

    it('refuses a Cluster without a storage size with the webhook message', async () => {
      const ns = await namespace();
      const err = await refusal(createCluster(ns, 'nosize', { instances: 1 }));
      expect(err.code).to.equal(422);
      expect(err.status.message).to.equal(
        'admission webhook "vcluster.cnpg.io" denied the request: Cluster.postgresql.cnpg.io "nosize" is invalid: spec.storage: Invalid value: {}: Size not configured. Please add it, or a storage request in the pvcTemplate.',
      );
    });

    it('refuses "on" for a boolean with the CRD schema message (YAML 1.2 reads it as a string)', async () => {
      const ns = await namespace();
      const err = await refusal(
        createCluster(ns, 'onoff', {
          instances: 1,
          storage: { size: '1Gi' },
          nodeMaintenanceWindow: { inProgress: 'on', reusePVC: true },
        }),
      );
      expect(err.code).to.equal(422);
      expect(err.status.message).to.equal(
        'Cluster.postgresql.cnpg.io "onoff" is invalid: [spec.nodeMaintenanceWindow.inProgress: Invalid value: "string": spec.nodeMaintenanceWindow.inProgress in body must be of type boolean: "string", <nil>: Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation]',
      );
    });

    it('refuses a non-list of tolerations and a non-string node selector value, naming both fields', async () => {
      const ns = await namespace();
      const err = await refusal(
        createCluster(ns, 'types', {
          instances: 1,
          storage: { size: '1Gi' },
          affinity: { tolerations: 'all', nodeSelector: { drain: true } },
        }),
      );
      expect(err.code).to.equal(422);
      expect(err.status.message).to.equal(
        'Cluster.postgresql.cnpg.io "types" is invalid: [spec.affinity.nodeSelector.drain: Invalid value: "boolean": spec.affinity.nodeSelector.drain in body must be of type string: "boolean", spec.affinity.tolerations: Invalid value: "string": spec.affinity.tolerations in body must be of type array: "string", <nil>: Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation]',
      );
    });

    it('refuses 0 instances with the CRD schema message', async () => {
      const ns = await namespace();
      const err = await refusal(createCluster(ns, 'zero', { instances: 0, storage: { size: '1Gi' } }));
      expect(err.code).to.equal(422);
      expect(err.status.message).to.equal(
        'Cluster.postgresql.cnpg.io "zero" is invalid: spec.instances: Invalid value: 0: spec.instances in body should be greater than or equal to 1',
      );
    });

    it('refuses to shrink the storage of an existing Cluster', async () => {
      const ns = await namespace();
      await createCluster(ns, 'shrink', { instances: 1, storage: { size: '2Gi' } });
      const err = await refusal(
        custom.patchNamespacedCustomObject(
          {
            group: GROUP,
            version: 'v1',
            namespace: ns,
            plural: 'clusters',
            name: 'shrink',
            body: { spec: { storage: { size: '1Gi' } } },
          },
          mergePatch,
        ),
      );
      expect(err.code).to.equal(422);
      expect(err.status.message).to.contain("can't shrink existing storage from 2Gi to 1Gi");
    });
  });

  describe('a healthy 3-instance cluster', () => {
    let ns: string;
    let phases: string[];
    let order: string[];

    before(async () => {
      ns = await namespace();
      order = [];
      const watch = new k8s.Watch(kc);
      const stops: AbortController[] = [];
      for (const path of [`/api/v1/namespaces/${ns}/pods`, `/apis/batch/v1/namespaces/${ns}/jobs`]) {
        stops.push(
          await watch.watch(
            path,
            {},
            (type, obj: { kind: string; metadata: { name: string } }) => {
              if (type === 'ADDED')
                order.push(`${path.endsWith('jobs') ? 'job' : 'pod'}/${obj.metadata.name}`);
            },
            () => {},
          ),
        );
      }
      const recorder = await recordPhases(ns, 'pg');
      agents.push(new FakeNodeAgents(kc, ns).start());
      await createCluster(ns, 'pg', { instances: 3, storage: { size: '1Gi', storageClass: 'standard' } });
      await healthy(ns, 'pg', 3);
      recorder.stop();
      for (const s of stops) s.abort();
      phases = recorder.seen;
    });

    it('creates the initdb Job, the primary, then a join Job and a replica at a time', () => {
      expect(order).to.deep.equal([
        'job/pg-1-initdb',
        'pod/pg-1',
        'job/pg-2-join',
        'pod/pg-2',
        'job/pg-3-join',
        'pod/pg-3',
      ]);
    });

    it('goes through the real phase strings to "Cluster in healthy state"', () => {
      expect(phases[0]).to.equal('Setting up primary | Creating primary instance pg-1');
      expect(phases).to.include('Creating a new replica | Creating replica pg-2-join');
      expect(phases).to.include('Creating a new replica | Creating replica pg-3-join');
      expect(phases).to.include(
        'Waiting for the instances to become active | Some instances are not yet active. Please wait.',
      );
      expect(phases[phases.length - 1]).to.equal('Cluster in healthy state | ');
    });

    it('reports the instances, the primary and the Ready condition in status', async () => {
      const c = await readCluster(ns, 'pg');
      expect(c.status).to.deep.include({
        instances: 3,
        readyInstances: 3,
        instanceNames: ['pg-1', 'pg-2', 'pg-3'],
        instancesStatus: { healthy: ['pg-1', 'pg-2', 'pg-3'] },
        currentPrimary: 'pg-1',
        targetPrimary: 'pg-1',
        latestGeneratedNode: 3,
        writeService: 'pg-rw',
        readService: 'pg-r',
        selector: 'cnpg.io/cluster=pg,cnpg.io/podRole=instance',
        healthyPVC: ['pg-1', 'pg-2', 'pg-3'],
      });
      expect(c.status?.currentPrimaryTimestamp).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
      const ready = c.status?.conditions?.find((x) => x.type === 'Ready');
      expect(ready).to.deep.include({
        status: 'True',
        reason: 'ClusterIsReady',
        message: 'Cluster is Ready',
      });
    });

    it('labels the instance pods with their roles and the real labels and annotations', async () => {
      const pods = await core.listNamespacedPod({ namespace: ns, labelSelector: 'cnpg.io/podRole=instance' });
      const byName = new Map(pods.items.map((p) => [p.metadata!.name!, p]));
      expect([...byName.keys()].sort()).to.deep.equal(['pg-1', 'pg-2', 'pg-3']);
      const primary = byName.get('pg-1')!;
      expect(primary.metadata?.labels).to.deep.include({
        'cnpg.io/cluster': 'pg',
        'cnpg.io/instanceName': 'pg-1',
        'cnpg.io/podRole': 'instance',
        'cnpg.io/instanceRole': 'primary',
        role: 'primary',
        'app.kubernetes.io/name': 'postgresql',
        'app.kubernetes.io/managed-by': 'cloudnative-pg',
      });
      expect(byName.get('pg-2')!.metadata?.labels?.['cnpg.io/instanceRole']).to.equal('replica');
      expect(primary.metadata?.annotations?.['cnpg.io/nodeSerial']).to.equal('1');
      expect(primary.metadata?.ownerReferences).to.deep.equal([
        {
          apiVersion: `${GROUP}/v1`,
          kind: 'Cluster',
          name: 'pg',
          uid: (await readCluster(ns, 'pg')).metadata.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ]);
      expect(primary.spec?.containers.map((c) => c.name)).to.deep.equal(['postgres']);
      expect(primary.spec?.containers[0]?.readinessProbe?.httpGet).to.deep.include({
        path: '/readyz',
        port: 8000,
      });
      expect(
        primary.spec?.volumes?.find((v) => v.name === 'pgdata')?.persistentVolumeClaim?.claimName,
      ).to.equal('pg-1');
      expect(
        primary.spec?.affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.[0],
      ).to.deep.include({
        weight: 100,
      });
      expect(
        primary.spec?.affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.[0]
          ?.podAffinityTerm.topologyKey,
      ).to.equal('kubernetes.io/hostname');
    });

    it('creates PVCs with the instance labels, annotations, storage class and owner', async () => {
      const pvc = await core.readNamespacedPersistentVolumeClaim({ namespace: ns, name: 'pg-2' });
      expect(pvc.metadata?.labels).to.deep.include({
        'cnpg.io/cluster': 'pg',
        'cnpg.io/instanceName': 'pg-2',
        'cnpg.io/pvcRole': 'PG_DATA',
        'cnpg.io/instanceRole': 'replica',
      });
      expect(pvc.metadata?.annotations).to.deep.include({
        'cnpg.io/nodeSerial': '2',
        'cnpg.io/pvcStatus': 'ready',
        'cnpg.io/operatorVersion': '1.30.0',
      });
      expect(pvc.spec?.storageClassName).to.equal('standard');
      expect(pvc.spec?.resources?.requests?.storage).to.equal('1Gi');
      expect(pvc.metadata?.ownerReferences?.[0]).to.deep.include({
        kind: 'Cluster',
        name: 'pg',
        controller: true,
      });
    });

    it('creates the -rw, -ro and -r services with their selectors', async () => {
      const selector = async (name: string) =>
        (await core.readNamespacedService({ namespace: ns, name })).spec?.selector;
      expect(await selector('pg-rw')).to.deep.equal({
        'cnpg.io/cluster': 'pg',
        'cnpg.io/instanceRole': 'primary',
      });
      expect(await selector('pg-ro')).to.deep.equal({
        'cnpg.io/cluster': 'pg',
        'cnpg.io/instanceRole': 'replica',
      });
      expect(await selector('pg-r')).to.deep.equal({
        'cnpg.io/cluster': 'pg',
        'cnpg.io/podRole': 'instance',
      });
    });

    it('creates the app secret and the PKI secrets, but no superuser secret by default', async () => {
      const secrets = await core.listNamespacedSecret({ namespace: ns });
      const names = secrets.items.map((s) => s.metadata!.name!).sort();
      expect(names).to.deep.equal(['pg-app', 'pg-ca', 'pg-replication', 'pg-server']);
      const app = secrets.items.find((s) => s.metadata?.name === 'pg-app')!;
      expect(app.type).to.equal('kubernetes.io/basic-auth');
      expect(Buffer.from(app.data!.username!, 'base64').toString()).to.equal('app');
      expect(Buffer.from(app.data!.host!, 'base64').toString()).to.equal('pg-rw');
    });

    it('creates the primary PDB (minAvailable 1) and the replica PDB (minAvailable instances-2)', async () => {
      const pdbs = await policy.listNamespacedPodDisruptionBudget({ namespace: ns });
      const byName = new Map(pdbs.items.map((p) => [p.metadata!.name!, p.spec]));
      expect(byName.get('pg-primary')).to.deep.include({
        minAvailable: 1,
        selector: { matchLabels: { 'cnpg.io/cluster': 'pg', 'cnpg.io/instanceRole': 'primary' } },
      });
      expect(byName.get('pg')).to.deep.include({
        minAvailable: 1,
        selector: { matchLabels: { 'cnpg.io/cluster': 'pg', 'cnpg.io/instanceRole': 'replica' } },
      });
    });

    it('holds the primary Lease named after the cluster, owned by it, and reports timeline 1', async () => {
      const coordination = kc.makeApiClient(k8s.CoordinationV1Api);
      const lease = await coordination.readNamespacedLease({ namespace: ns, name: 'pg' });
      expect(lease.spec?.holderIdentity).to.equal('pg-1');
      expect(lease.metadata?.ownerReferences?.[0]).to.deep.include({
        kind: 'Cluster',
        name: 'pg',
        controller: true,
      });
      const c = await readCluster(ns, 'pg');
      expect((c.status as Record<string, unknown>).timelineID).to.equal(1);
      expect((c.status as Record<string, unknown>).systemID).to.match(/^\d{19}$/);
    });

    it('deletes the completed Jobs once healthy', async () => {
      await until('jobs deleted or being deleted', async () => {
        const jobs = await batch.listNamespacedJob({ namespace: ns });
        return jobs.items.every((j) => j.metadata?.deletionTimestamp);
      });
    });
  });

  describe('first primary', () => {
    it('labels the first primary and reports currentPrimary before the phase turns healthy', async () => {
      const ns = await namespace();
      agents.push(new FakeNodeAgents(kc, ns).start());
      const firstHealthy = new Promise<ClusterView>((resolve) => {
        void new k8s.Watch(kc).watch(
          `/apis/${GROUP}/v1/namespaces/${ns}/clusters`,
          {},
          (_type, obj: ClusterView) => {
            if (obj.status?.phase === 'Cluster in healthy state') resolve(obj);
          },
          () => {},
        );
      });
      await createCluster(ns, 'one', { instances: 1, storage: { size: '1Gi' } });
      const seen = await firstHealthy;
      expect(seen.status?.currentPrimary).to.equal('one-1');
      expect((await primaryPod(ns, 'one'))?.metadata?.name).to.equal('one-1');
    });
  });

  describe('failover', () => {
    it('promotes a replica when the primary pod is deleted, with the phase strings on the way', async () => {
      const { ns } = await bootstrap('fo', { instances: 3, storage: { size: '1Gi' } });
      const pvcUid = (await core.readNamespacedPersistentVolumeClaim({ namespace: ns, name: 'fo-1' }))
        .metadata?.uid;
      const recorder = await recordPhases(ns, 'fo');
      await core.deleteNamespacedPod({ namespace: ns, name: 'fo-1' });
      const c = await until('a new primary', async () => {
        const v = await readCluster(ns, 'fo');
        return (
          v.status?.currentPrimary !== 'fo-1' && v.status?.currentPrimary === v.status?.targetPrimary && v
        );
      });
      const next = c.status!.currentPrimary!;
      expect(['fo-2', 'fo-3']).to.include(next);
      await healthy(ns, 'fo', 3);
      recorder.stop();
      expect(recorder.seen).to.include('Failing over | Initiating a failover from fo-1');
      expect(recorder.seen).to.include(`Failing over | Failing over from fo-1 to ${next}`);
      const recreated = await core.readNamespacedPod({ namespace: ns, name: 'fo-1' });
      expect(recreated.metadata?.labels?.['cnpg.io/instanceRole']).to.equal('replica');
      const pvc = await core.readNamespacedPersistentVolumeClaim({ namespace: ns, name: 'fo-1' });
      expect(pvc.metadata?.uid).to.equal(pvcUid);
      expect((await primaryPod(ns, 'fo'))?.metadata?.name).to.equal(next);
    });

    it('waits failoverDelay before failing over and records currentPrimaryFailingSinceTimestamp', async () => {
      const { ns } = await bootstrap('fd', { instances: 2, failoverDelay: 30, storage: { size: '1Gi' } });
      await core.deleteNamespacedPod({ namespace: ns, name: 'fd-1' });
      const failing = await until('failing since', async () => {
        const v = await readCluster(ns, 'fd');
        return (v.status as Record<string, string>)?.currentPrimaryFailingSinceTimestamp;
      });
      expect(failing).to.match(/^\d{4}-\d\d-\d\dT/);
      await until(
        'failover to fd-2',
        async () => (await readCluster(ns, 'fd')).status?.currentPrimary === 'fd-2',
      );
      await healthy(ns, 'fd', 2);
      const done = await readCluster(ns, 'fd');
      expect((done.status as Record<string, string>).currentPrimaryFailingSinceTimestamp).to.equal(undefined);
    });

    it('fails over when the primary node stops reporting Ready', async () => {
      const { ns } = await bootstrap('nr', { instances: 2, storage: { size: '1Gi' } });
      const node = (await core.readNamespacedPod({ namespace: ns, name: 'nr-1' })).spec!.nodeName!;
      await core.patchNodeStatus(
        { name: node, body: { status: { conditions: [{ type: 'Ready', status: 'Unknown' }] } } },
        mergePatch,
      );
      try {
        await until(
          'nr-2 promoted',
          async () => (await readCluster(ns, 'nr')).status?.currentPrimary === 'nr-2',
        );
      } finally {
        await core.patchNodeStatus(
          { name: node, body: { status: { conditions: [{ type: 'Ready', status: 'True' }] } } },
          mergePatch,
        );
      }
    });
  });

  describe('switchover', () => {
    it('switches over to a replica on another node when the primary node is cordoned', async () => {
      const { ns } = await bootstrap('so', { instances: 3, storage: { size: '1Gi' } });
      const primary = (await primaryPod(ns, 'so'))!;
      const node = primary.spec!.nodeName!;
      const recorder = await recordPhases(ns, 'so');
      await core.patchNode({ name: node, body: { spec: { unschedulable: true } } }, mergePatch);
      const c = await until('a new primary', async () => {
        const v = await readCluster(ns, 'so');
        return (
          v.status?.currentPrimary !== 'so-1' && v.status?.currentPrimary === v.status?.targetPrimary && v
        );
      });
      const next = c.status!.currentPrimary!;
      recorder.stop();
      expect(recorder.seen).to.include(
        `Switchover in progress | Switching over to ${next}, because primary instance was running on unschedulable node ${node}`,
      );
      const nextPod = await core.readNamespacedPod({ namespace: ns, name: next });
      expect(nextPod.spec?.nodeName).to.not.equal(node);
      await until('old primary relabelled replica', async () => {
        const old = await core.readNamespacedPod({ namespace: ns, name: 'so-1' });
        return old.metadata?.labels?.['cnpg.io/instanceRole'] === 'replica';
      });
    });

    it('switches over when the primary node gets a drain taint (karpenter.sh/disruption)', async () => {
      const { ns } = await bootstrap('kt', { instances: 3, storage: { size: '1Gi' } });
      const node = (await primaryPod(ns, 'kt'))!.spec!.nodeName!;
      await core.patchNode(
        {
          name: node,
          body: { spec: { taints: [{ key: 'karpenter.sh/disruption', effect: 'NoSchedule' }] } },
        },
        mergePatch,
      );
      try {
        const c = await until('a new primary', async () => {
          const v = await readCluster(ns, 'kt');
          return (
            v.status?.currentPrimary !== 'kt-1' && v.status?.currentPrimary === v.status?.targetPrimary && v
          );
        });
        expect(
          (await core.readNamespacedPod({ namespace: ns, name: c.status!.currentPrimary! })).spec?.nodeName,
        ).to.not.equal(node);
      } finally {
        await core.patchNode({ name: node, body: { spec: { taints: null } } }, mergePatch);
      }
    });

    it('does nothing when a replica node is cordoned', async () => {
      const { ns } = await bootstrap('rc', { instances: 2, storage: { size: '1Gi' } });
      const replica = await core.readNamespacedPod({ namespace: ns, name: 'rc-2' });
      await core.patchNode(
        { name: replica.spec!.nodeName!, body: { spec: { unschedulable: true } } },
        mergePatch,
      );
      await new Promise((r) => setTimeout(r, 300));
      const c = await readCluster(ns, 'rc');
      expect(c.status).to.deep.include({
        currentPrimary: 'rc-1',
        targetPrimary: 'rc-1',
        phase: 'Cluster in healthy state',
      });
    });

    it('promotes the pod named in status.targetPrimary (the kubectl cnpg promote way), moving the Lease and the timeline', async () => {
      const { ns } = await bootstrap('sw', { instances: 3, storage: { size: '1Gi' } });
      await custom.patchNamespacedCustomObjectStatus(
        {
          group: GROUP,
          version: 'v1',
          namespace: ns,
          plural: 'clusters',
          name: 'sw',
          body: { status: { targetPrimary: 'sw-3' } },
        },
        mergePatch,
      );
      await until('sw-3 is primary', async () => {
        const v = await readCluster(ns, 'sw');
        return v.status?.currentPrimary === 'sw-3';
      });
      const coordination = kc.makeApiClient(k8s.CoordinationV1Api);
      await until('the Lease held by sw-3', async () => {
        const lease = await coordination.readNamespacedLease({ namespace: ns, name: 'sw' });
        return lease.spec?.holderIdentity === 'sw-3' && lease.spec.leaseTransitions === 1;
      });
      expect(((await readCluster(ns, 'sw')).status as Record<string, unknown>).timelineID).to.equal(2);
      await until('sw-3 labelled primary, sw-1 replica', async () => {
        const p = await primaryPod(ns, 'sw');
        const old = await core.readNamespacedPod({ namespace: ns, name: 'sw-1' });
        return p?.metadata?.name === 'sw-3' && old.metadata?.labels?.role === 'replica';
      });
    });
  });

  describe('instances', () => {
    it('recreates a deleted replica under the same name on its PVC', async () => {
      const { ns } = await bootstrap('rp', { instances: 2, storage: { size: '1Gi' } });
      const before = await core.readNamespacedPod({ namespace: ns, name: 'rp-2' });
      const pvcUid = (await core.readNamespacedPersistentVolumeClaim({ namespace: ns, name: 'rp-2' }))
        .metadata?.uid;
      await core.deleteNamespacedPod({ namespace: ns, name: 'rp-2' });
      await until('rp-2 recreated', async () => {
        const p = await core.readNamespacedPod({ namespace: ns, name: 'rp-2' });
        return p.metadata?.uid !== before.metadata?.uid && p;
      });
      await healthy(ns, 'rp', 2);
      const pvc = await core.readNamespacedPersistentVolumeClaim({ namespace: ns, name: 'rp-2' });
      expect(pvc.metadata?.uid).to.equal(pvcUid);
      expect((await readCluster(ns, 'rp')).status?.currentPrimary).to.equal('rp-1');
    });

    it('deletes and recreates an instance pod the kubelet marked Failed (Evicted)', async () => {
      const { ns } = await bootstrap('ev', { instances: 2, storage: { size: '1Gi' } });
      const before = await core.readNamespacedPod({ namespace: ns, name: 'ev-2' });
      await core.patchNamespacedPodStatus(
        { namespace: ns, name: 'ev-2', body: { status: { phase: 'Failed', reason: 'Evicted' } } },
        mergePatch,
      );
      await until('ev-2 recreated', async () => {
        const p = await core.readNamespacedPod({ namespace: ns, name: 'ev-2' });
        return p.metadata?.uid !== before.metadata?.uid && p;
      });
      await healthy(ns, 'ev', 2);
      const events = await core.listNamespacedEvent({ namespace: ns });
      expect(events.items.map((e) => `${e.reason}: ${e.message}`)).to.include(
        "DeletePod: Deleted 'Failed' pod: 'ev-2'",
      );
    });

    it('scales down through the scale subresource, removing the highest replica and its PVC', async () => {
      const { ns } = await bootstrap('sc', { instances: 3, storage: { size: '1Gi' } });
      const scale = (await custom.getNamespacedCustomObjectScale({
        group: GROUP,
        version: 'v1',
        namespace: ns,
        plural: 'clusters',
        name: 'sc',
      })) as { metadata: Record<string, unknown>; spec: { replicas: number } };
      expect(scale.spec.replicas).to.equal(3);
      await custom.replaceNamespacedCustomObjectScale({
        group: GROUP,
        version: 'v1',
        namespace: ns,
        plural: 'clusters',
        name: 'sc',
        // No resourceVersion: the controller's status writes keep changing it (a kubectl scale does the same).
        body: {
          ...scale,
          metadata: { ...scale.metadata, resourceVersion: undefined },
          spec: { replicas: 2 },
        },
      });
      await healthy(ns, 'sc', 2);
      const c = await readCluster(ns, 'sc');
      expect(c.status?.instanceNames).to.deep.equal(['sc-1', 'sc-2']);
      const pvcs = await core.listNamespacedPersistentVolumeClaim({ namespace: ns });
      expect(
        pvcs.items
          .filter((p) => !p.metadata?.deletionTimestamp)
          .map((p) => p.metadata?.name)
          .sort(),
      ).to.deep.equal(['sc-1', 'sc-2']);
    });

    it('scales up by creating the instance with the next serial', async () => {
      const { ns } = await bootstrap('su', { instances: 1, storage: { size: '1Gi' } });
      await custom.patchNamespacedCustomObject(
        {
          group: GROUP,
          version: 'v1',
          namespace: ns,
          plural: 'clusters',
          name: 'su',
          body: { spec: { instances: 2 } },
        },
        mergePatch,
      );
      await healthy(ns, 'su', 2);
      const events = await core.listNamespacedEvent({ namespace: ns });
      const created = events.items.filter((e) => e.reason === 'CreatingInstance').map((e) => e.message);
      expect(created).to.deep.equal(['Primary instance (initdb)', 'Creating instance su-2']);
      expect((await readCluster(ns, 'su')).status?.instanceNames).to.deep.equal(['su-1', 'su-2']);
    });

    it('recreates a join Job deleted before it completed', async () => {
      const { ns, agents: a } = await bootstrap('jb', { instances: 1, storage: { size: '1Gi' } });
      a.stop();
      await custom.patchNamespacedCustomObject(
        {
          group: GROUP,
          version: 'v1',
          namespace: ns,
          plural: 'clusters',
          name: 'jb',
          body: { spec: { instances: 2 } },
        },
        mergePatch,
      );
      const first = await until('the join Job', async () => {
        const jobs = await batch.listNamespacedJob({ namespace: ns });
        return jobs.items.find((j) => j.metadata?.name === 'jb-2-join');
      });
      await batch.deleteNamespacedJob({ namespace: ns, name: 'jb-2-join' });
      await until('the join Job recreated', async () => {
        const jobs = await batch.listNamespacedJob({ namespace: ns });
        const again = jobs.items.find((j) => j.metadata?.name === 'jb-2-join');
        return again && again.metadata?.uid !== first.metadata?.uid;
      });
      agents.push(new FakeNodeAgents(kc, ns).start());
      await healthy(ns, 'jb', 2);
    });

    it('keeps a pod whose PVC sits on a cordoned node Pending and the cluster waiting', async () => {
      const { ns } = await bootstrap('pend', { instances: 1, enablePDB: false, storage: { size: '1Gi' } });
      const pod = await core.readNamespacedPod({ namespace: ns, name: 'pend-1' });
      await core.patchNode(
        { name: pod.spec!.nodeName!, body: { spec: { unschedulable: true } } },
        mergePatch,
      );
      await core.deleteNamespacedPod({ namespace: ns, name: 'pend-1' });
      const c = await until('pend-1 recreated and Pending', async () => {
        const v = await readCluster(ns, 'pend');
        return v.status?.instancesStatus?.failed?.includes('pend-1') && v;
      });
      expect(c.status?.phase).to.equal('Waiting for the instances to become active');
      expect(c.status?.instancesStatus).to.deep.equal({ failed: ['pend-1'] });
      expect(c.status?.readyInstances).to.equal(0);
      await core.patchNode(
        { name: pod.spec!.nodeName!, body: { spec: { unschedulable: null } } },
        mergePatch,
      );
      await healthy(ns, 'pend', 1);
      const back = await core.readNamespacedPod({ namespace: ns, name: 'pend-1' });
      expect(back.spec?.nodeName).to.equal(pod.spec?.nodeName);
    });

    it('re-clones an unschedulable instance elsewhere under the same name during a maintenance window without PVC reuse', async () => {
      const { ns } = await bootstrap('mw', {
        instances: 2,
        storage: { size: '1Gi' },
        nodeMaintenanceWindow: { inProgress: true, reusePVC: false },
      });
      const replica = await core.readNamespacedPod({ namespace: ns, name: 'mw-2' });
      const oldPvcUid = (await core.readNamespacedPersistentVolumeClaim({ namespace: ns, name: 'mw-2' }))
        .metadata?.uid;
      await core.patchNode(
        { name: replica.spec!.nodeName!, body: { spec: { unschedulable: true } } },
        mergePatch,
      );
      await core.deleteNamespacedPod({ namespace: ns, name: 'mw-2' });
      await until('mw-2 running elsewhere on a new PVC', async () => {
        const p = await core.readNamespacedPod({ namespace: ns, name: 'mw-2' });
        const pvc = await core.readNamespacedPersistentVolumeClaim({ namespace: ns, name: 'mw-2' });
        return (
          p.status?.phase === 'Running' &&
          p.spec?.nodeName !== replica.spec?.nodeName &&
          pvc.metadata?.uid !== oldPvcUid
        );
      });
      await healthy(ns, 'mw', 2);
    });
  });

  describe('storage and secrets', () => {
    it('creates a -wal PVC per instance with walStorage and mounts it as pg-wal', async () => {
      const { ns } = await bootstrap('wal', {
        instances: 2,
        storage: { size: '1Gi' },
        walStorage: { size: '512Mi', storageClass: 'fast' },
      });
      const wal = await core.readNamespacedPersistentVolumeClaim({ namespace: ns, name: 'wal-2-wal' });
      expect(wal.metadata?.labels).to.deep.include({
        'cnpg.io/instanceName': 'wal-2',
        'cnpg.io/pvcRole': 'PG_WAL',
      });
      expect(wal.metadata?.annotations?.['cnpg.io/pvcStatus']).to.equal('ready');
      expect(wal.spec?.storageClassName).to.equal('fast');
      expect(wal.spec?.resources?.requests?.storage).to.equal('512Mi');
      const pod = await core.readNamespacedPod({ namespace: ns, name: 'wal-2' });
      expect(pod.spec?.volumes?.find((v) => v.name === 'pg-wal')?.persistentVolumeClaim?.claimName).to.equal(
        'wal-2-wal',
      );
      expect((await readCluster(ns, 'wal')).status?.instanceNames).to.deep.equal(['wal-1', 'wal-2']);
    });

    it('grows the PVC requests when spec.storage.size grows', async () => {
      const { ns } = await bootstrap('grow', { instances: 2, storage: { size: '1Gi' } });
      await custom.patchNamespacedCustomObject(
        {
          group: GROUP,
          version: 'v1',
          namespace: ns,
          plural: 'clusters',
          name: 'grow',
          body: { spec: { storage: { size: '2Gi' } } },
        },
        mergePatch,
      );
      await until('both PVCs asking for 2Gi', async () => {
        const pvcs = await core.listNamespacedPersistentVolumeClaim({ namespace: ns });
        return pvcs.items.every((p) => p.spec?.resources?.requests?.storage === '2Gi');
      });
    });

    it('creates the superuser secret while enableSuperuserAccess is true and deletes it when false', async () => {
      const { ns } = await bootstrap('su', {
        instances: 1,
        enableSuperuserAccess: true,
        storage: { size: '1Gi' },
      });
      const secret = await core.readNamespacedSecret({ namespace: ns, name: 'su-superuser' });
      expect(secret.metadata?.labels?.['cnpg.io/userType']).to.equal('superuser');
      expect(Buffer.from(secret.data!.username!, 'base64').toString()).to.equal('postgres');
      await custom.patchNamespacedCustomObject(
        {
          group: GROUP,
          version: 'v1',
          namespace: ns,
          plural: 'clusters',
          name: 'su',
          body: { spec: { enableSuperuserAccess: false } },
        },
        mergePatch,
      );
      await until('superuser secret deleted', async () => {
        const list = await core.listNamespacedSecret({ namespace: ns });
        return !list.items.some((x) => x.metadata?.name === 'su-superuser');
      });
    });

    it('rebuilds an instance annotated alpha.cnpg.io/unrecoverable on new PVCs under the same name', async () => {
      const { ns } = await bootstrap('ur', { instances: 2, storage: { size: '1Gi' } });
      const oldUid = (await core.readNamespacedPersistentVolumeClaim({ namespace: ns, name: 'ur-2' }))
        .metadata?.uid;
      await core.patchNamespacedPod(
        {
          namespace: ns,
          name: 'ur-2',
          body: { metadata: { annotations: { 'alpha.cnpg.io/unrecoverable': 'true' } } },
        },
        mergePatch,
      );
      await until('ur-2 on a new PVC', async () => {
        const pvc = await core.readNamespacedPersistentVolumeClaim({ namespace: ns, name: 'ur-2' });
        return pvc.metadata?.uid !== oldUid;
      });
      await healthy(ns, 'ur', 2);
      const events = await core.listNamespacedEvent({ namespace: ns });
      expect(events.items.map((e) => `${e.reason}: ${e.message}`)).to.include(
        'DeleteUnrecoverableInstance: Deleted unrecoverable instance ur-2 (pods and PVCs)',
      );
    });
  });

  describe('rolling updates', () => {
    const NEW_IMAGE = 'ghcr.io/cloudnative-pg/postgresql:18.5-system-trixie';

    async function changeImage(ns: string, name: string, extra: Record<string, unknown> = {}): Promise<void> {
      await custom.patchNamespacedCustomObject(
        {
          group: GROUP,
          version: 'v1',
          namespace: ns,
          plural: 'clusters',
          name,
          body: { spec: { imageName: NEW_IMAGE, ...extra } },
        },
        mergePatch,
      );
    }

    async function images(ns: string): Promise<string[]> {
      const pods = await core.listNamespacedPod({ namespace: ns, labelSelector: 'cnpg.io/podRole=instance' });
      return pods.items.map((p) => p.spec!.containers[0]!.image!);
    }

    it('recreates the replicas one at a time, then restarts the primary without a switchover', async () => {
      const { ns } = await bootstrap('ru', { instances: 3, storage: { size: '1Gi' } });
      const recorder = await recordPhases(ns, 'ru');
      await changeImage(ns, 'ru');
      await until('every pod on the new image', async () => (await images(ns)).every((i) => i === NEW_IMAGE));
      await healthy(ns, 'ru', 3);
      recorder.stop();
      const upgrades = recorder.seen.filter((p) => p.startsWith('Upgrading cluster'));
      expect(upgrades[0]).to.equal(
        'Upgrading cluster | Restarting instance ru-3, because: the instance is using a different image: ghcr.io/cloudnative-pg/postgresql:18.4-system-trixie -> ghcr.io/cloudnative-pg/postgresql:18.5-system-trixie',
      );
      expect(upgrades).to.have.length(2);
      expect(
        recorder.seen.some((p) => p.startsWith('Primary instance is being restarted without a switchover')),
      ).to.equal(true);
      expect((await readCluster(ns, 'ru')).status?.currentPrimary).to.equal('ru-1');
    });

    it('switches over to a replica to update the primary with primaryUpdateMethod switchover', async () => {
      const { ns } = await bootstrap('rs', {
        instances: 2,
        primaryUpdateMethod: 'switchover',
        storage: { size: '1Gi' },
      });
      await changeImage(ns, 'rs');
      await until('every pod on the new image', async () => (await images(ns)).every((i) => i === NEW_IMAGE));
      await healthy(ns, 'rs', 2);
      expect((await readCluster(ns, 'rs')).status?.currentPrimary).to.equal('rs-2');
    });

    it('waits for the user before touching the primary with primaryUpdateStrategy supervised', async () => {
      const { ns } = await bootstrap('rv', {
        instances: 2,
        primaryUpdateStrategy: 'supervised',
        storage: { size: '1Gi' },
      });
      await changeImage(ns, 'rv');
      const c = await until('waiting for the user', async () => {
        const v = await readCluster(ns, 'rv');
        return v.status?.phase === 'Waiting for user action' && v;
      });
      expect(c.status?.phaseReason).to.equal('User must issue a supervised switchover');
      const primary = await core.readNamespacedPod({ namespace: ns, name: 'rv-1' });
      expect(primary.spec?.containers[0]?.image).to.equal(
        'ghcr.io/cloudnative-pg/postgresql:18.4-system-trixie',
      );
    });
  });

  describe('PDBs', () => {
    it('keeps no PDB with enablePDB false and only the primary PDB with 2 instances', async () => {
      const ns = await namespace();
      agents.push(new FakeNodeAgents(kc, ns).start());
      await createCluster(ns, 'nopdb', { instances: 1, enablePDB: false, storage: { size: '1Gi' } });
      await createCluster(ns, 'two', { instances: 2, storage: { size: '1Gi' } });
      await healthy(ns, 'nopdb', 1);
      await healthy(ns, 'two', 2);
      const pdbs = await policy.listNamespacedPodDisruptionBudget({ namespace: ns });
      expect(pdbs.items.map((p) => p.metadata?.name).sort()).to.deep.equal(['two-primary']);
    });
  });
});

describe('cnpgController with the webhooks disabled', () => {
  let cluster: Cluster;
  let custom: k8s.CustomObjectsApi;

  before(async () => {
    cluster = await startCluster({
      controllers: [cnpgController({ webhooks: false })],
      timeScale: 0.01,
      seed: 12,
    });
    custom = clientsFor(cluster).custom;
  });

  after(() => cluster.stop());

  const create = (name: string, spec: Record<string, unknown>) =>
    custom.createNamespacedCustomObject({
      group: GROUP,
      version: 'v1',
      namespace: 'default',
      plural: 'clusters',
      body: { apiVersion: `${GROUP}/v1`, kind: 'Cluster', metadata: { name }, spec },
    });
  const read = (name: string) =>
    custom.getNamespacedCustomObject({
      group: GROUP,
      version: 'v1',
      namespace: 'default',
      plural: 'clusters',
      name,
    }) as Promise<ClusterView>;

  it('writes the defaults into the spec itself', async () => {
    await create('late', { instances: 1, storage: { size: '1Gi' } });
    const c = await until('defaults written', async () => {
      const v = await read('late');
      return v.spec.enablePDB === true && v;
    });
    expect(c.spec).to.deep.include({
      failoverDelay: 0,
      switchoverDelay: 3600,
      primaryUpdateStrategy: 'unsupervised',
    });
  });

  it('reports an invalid spec as phase "Invalid cluster definition"', async () => {
    await create('bad', { instances: 1 });
    const c = await until('invalid phase', async () => {
      const v = await read('bad');
      return v.status?.phase === 'Invalid cluster definition' && v;
    });
    expect(c.status?.phaseReason).to.equal(
      'spec.storage: Size not configured. Please add it, or a storage request in the pvcTemplate.',
    );
  });
});

describe('cnpgController options', () => {
  it('refuses a negative latency with a message naming it', () => {
    expect(() => cnpgController({ latencies: { promote: -1 } })).to.throw(
      TypeError,
      'cnpgController: latencies.promote must be a non-negative number of ms, got -1',
    );
  });

  it('refuses drain taints that are not a list of taint keys', () => {
    expect(() => cnpgController({ drainTaints: 'karpenter.sh/disruption' as unknown as string[] })).to.throw(
      TypeError,
      'cnpgController: drainTaints must be a list of taint keys, got "karpenter.sh/disruption"',
    );
  });
});
