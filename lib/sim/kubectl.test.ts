/**
 * Acceptance tests: the real kubectl v1.35 against the embedded cluster over HTTP. Nodes and the
 * states a kubelet would report are written by the test through the server-side API; everything
 * else goes through kubectl, and the assertions read what a user would see.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { parse as parseYaml } from 'yaml';
import type { KObject } from './api/types.ts';
import { type Cluster, startCluster } from './cluster.ts';
import { until } from './testing/clients.ts';
import { type KubectlSession, kubectlSession } from './testing/kubectl-session.ts';

describe('kubectl v1.35 against the embedded cluster', () => {
  let cluster: Cluster;
  let kubectl: KubectlSession;

  const run = (args: string[]) => kubectl.run(args);

  async function manifest(name: string, text: string): Promise<string> {
    const path = join(kubectl.dir, name);
    await writeFile(path, text);
    return path;
  }

  const api = () => cluster.api;
  const rt = (group: string, plural: string) => cluster.api.resource(group, plural);

  function addNode(name: string): void {
    api().create(rt('', 'nodes'), undefined, {
      metadata: { name, labels: { 'kubernetes.io/hostname': name, 'node-role.kubernetes.io/worker': '' } },
    });
    const node = api().get(rt('', 'nodes'), undefined, name);
    node.status = {
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady' }],
      addresses: [{ type: 'InternalIP', address: '172.18.0.3' }],
      nodeInfo: {
        kubeletVersion: 'v1.35.0',
        osImage: 'Debian GNU/Linux 12 (bookworm)',
        kernelVersion: '6.8.0',
        containerRuntimeVersion: 'containerd://2.1.1',
      },
    };
    api().update(rt('', 'nodes'), undefined, name, node, { subresource: 'status' });
  }

  /** A pod on a node, Running and Ready as a kubelet would report it; it goes at once when deleted. */
  function runningPod(name: string, node: string, labels: Record<string, string> = {}): void {
    api().create(rt('', 'pods'), 'default', {
      metadata: { name, labels },
      spec: {
        nodeName: node,
        terminationGracePeriodSeconds: 0,
        containers: [{ name: 'app', image: 'nginx:1.27' }],
      },
    });
    setPodStatus(name, {
      phase: 'Running',
      podIP: '10.244.1.7',
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [{ name: 'app', ready: true, restartCount: 0, state: { running: {} } }],
    });
  }

  function setPodStatus(name: string, status: Record<string, unknown>): void {
    const pod = api().get(rt('', 'pods'), 'default', name);
    pod.status = { ...(pod.status as object), ...status };
    api().update(rt('', 'pods'), 'default', name, pod, { subresource: 'status' });
  }

  const pod = (name: string): KObject | undefined => api().find(rt('', 'pods'), 'default', name);
  const node = (name: string): KObject => api().get(rt('', 'nodes'), undefined, name);
  /** Resolves once a new watch reached the server (kubectl started watching), however slow the machine. */
  const watchOpened = (before: number) =>
    until('kubectl to open its watch', async () => (cluster.requestCounts().watch ?? 0) > before);

  before(async () => {
    // kubectl sends no bearer token over plain http, so this cluster runs without one.
    cluster = await startCluster({ seed: 21, token: false });
    kubectl = await kubectlSession(cluster, 30_000);
    addNode('worker-1');
  });

  after(async () => {
    await cluster?.stop();
    await kubectl?.close();
  });

  it('is the real kubectl v1.35', async () => {
    const out = await run(['version', '--client']);
    expect(out.stdout).to.match(/^Client Version: v1\.35\.\d+$/m);
  });

  it('prints nodes and pods of every namespace with the real -o wide columns', async () => {
    runningPod('wide-0', 'worker-1');
    const out = await run(['get', 'nodes,pods', '-A', '-o', 'wide']);
    expect(out.code, out.stderr).to.equal(0);
    expect(out.stderr).to.equal('');
    const lines = out.stdout.split('\n');
    expect(lines[0]).to.match(
      /^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION\s+INTERNAL-IP\s+EXTERNAL-IP\s+OS-IMAGE\s+KERNEL-VERSION\s+CONTAINER-RUNTIME$/,
    );
    expect(out.stdout).to.match(
      /node\/worker-1\s+Ready\s+worker\s+\S+\s+v1\.35\.0\s+172\.18\.0\.3\s+<none>\s+Debian GNU\/Linux 12 \(bookworm\)\s+6\.8\.0\s+containerd:\/\/2\.1\.1/,
    );
    expect(out.stdout).to.match(
      /NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES/,
    );
    expect(out.stdout).to.match(
      /default\s+pod\/wide-0\s+1\/1\s+Running\s+0\s+\S+\s+10\.244\.1\.7\s+worker-1\s+<none>\s+<none>/,
    );
  });

  it('prints a pod as YAML and as JSON with the stored object', async () => {
    runningPod('show-0', 'worker-1');
    const stored = pod('show-0')!;
    const yaml = await run(['get', 'pod', 'show-0', '-o', 'yaml']);
    expect(parseYaml(yaml.stdout).metadata.uid).to.equal(stored.metadata.uid);
    const json = await run(['get', 'pod', 'show-0', '-o', 'json']);
    const parsed = JSON.parse(json.stdout);
    expect(parsed.kind).to.equal('Pod');
    expect(parsed.spec.nodeName).to.equal('worker-1');
  });

  it('applies a manifest client-side, then reports it unchanged', async () => {
    const file = await manifest(
      'cm.yaml',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: default\ndata:\n  mode: fast\n',
    );
    const first = await run(['apply', '-f', file]);
    expect(first.stdout.trim(), first.stderr).to.equal('configmap/settings created');
    const second = await run(['apply', '-f', file]);
    expect(second.stdout.trim(), second.stderr).to.equal('configmap/settings unchanged');
    const stored = api().get(rt('', 'configmaps'), 'default', 'settings');
    expect(stored.metadata.annotations).to.have.property('kubectl.kubernetes.io/last-applied-configuration');
  });

  it('applies a manifest server-side with kubectl as the field manager', async () => {
    const file = await manifest(
      'ssa.yaml',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa-settings\n  namespace: default\ndata:\n  mode: safe\n',
    );
    const out = await run(['apply', '--server-side', '-f', file]);
    expect(out.stdout.trim(), out.stderr).to.equal('configmap/ssa-settings serverside-applied');
    const stored = api().get(rt('', 'configmaps'), 'default', 'ssa-settings');
    expect(stored.data).to.deep.equal({ mode: 'safe' });
    expect(stored.metadata.managedFields?.map((m) => [m.manager, m.operation])).to.deep.include([
      'kubectl',
      'Apply',
    ]);
  });

  it('creates a namespace', async () => {
    const out = await run(['create', 'namespace', 'team-a']);
    expect(out.stdout.trim(), out.stderr).to.equal('namespace/team-a created');
    expect(api().get(rt('', 'namespaces'), undefined, 'team-a').status).to.deep.equal({ phase: 'Active' });
  });

  it('labels and annotates a pod', async () => {
    runningPod('meta-0', 'worker-1');
    expect((await run(['label', 'pod', 'meta-0', 'tier=front'])).stdout.trim()).to.equal(
      'pod/meta-0 labeled',
    );
    expect((await run(['annotate', 'pod', 'meta-0', 'owner=team-a'])).stdout.trim()).to.equal(
      'pod/meta-0 annotated',
    );
    expect(pod('meta-0')!.metadata.labels).to.include({ tier: 'front' });
    expect(pod('meta-0')!.metadata.annotations).to.include({ owner: 'team-a' });
  });

  it('taints a node and removes the taint', async () => {
    addNode('taint-1');
    expect((await run(['taint', 'node', 'taint-1', 'dedicated=db:NoSchedule'])).stdout.trim()).to.equal(
      'node/taint-1 tainted',
    );
    expect((node('taint-1').spec as { taints?: unknown[] }).taints).to.deep.equal([
      { key: 'dedicated', value: 'db', effect: 'NoSchedule' },
    ]);
    expect((await run(['taint', 'node', 'taint-1', 'dedicated=db:NoSchedule-'])).stdout.trim()).to.equal(
      'node/taint-1 untainted',
    );
    expect((node('taint-1').spec as { taints?: unknown[] } | undefined)?.taints ?? []).to.deep.equal([]);
  });

  it('cordons and uncordons a node', async () => {
    addNode('cordon-1');
    expect((await run(['cordon', 'cordon-1'])).stdout.trim()).to.equal('node/cordon-1 cordoned');
    expect((await run(['get', 'node', 'cordon-1'])).stdout).to.match(/cordon-1\s+Ready,SchedulingDisabled/);
    expect((await run(['uncordon', 'cordon-1'])).stdout.trim()).to.equal('node/cordon-1 uncordoned');
    expect((node('cordon-1').spec as { unschedulable?: boolean } | undefined)?.unschedulable).to.equal(
      undefined,
    );
  });

  it('deletes a pod', async () => {
    runningPod('gone-0', 'worker-1');
    const out = await run(['delete', 'pod', 'gone-0']);
    expect(out.stdout.trim(), out.stderr).to.equal('pod "gone-0" deleted from default namespace');
    expect(pod('gone-0')).to.equal(undefined);
  });

  it('waits for a condition the test sets while kubectl watches', async () => {
    runningPod('ready-0', 'worker-1');
    setPodStatus('ready-0', { conditions: [{ type: 'Ready', status: 'False' }] });
    const watches = cluster.requestCounts().watch ?? 0;
    const waiting = run(['wait', '--for=condition=Ready', 'pod/ready-0', '--timeout=60s']);
    await watchOpened(watches);
    setPodStatus('ready-0', { conditions: [{ type: 'Ready', status: 'True' }] });
    const out = await waiting;
    expect(out.stdout.trim(), out.stderr).to.equal('pod/ready-0 condition met');
  });

  it('waits for a deletion the test completes while kubectl watches', async () => {
    api().create(rt('', 'pods'), 'default', {
      metadata: { name: 'slow-0' },
      spec: { nodeName: 'worker-1', containers: [{ name: 'app', image: 'nginx:1.27' }] },
    });
    api().delete(rt('', 'pods'), 'default', 'slow-0'); // graceful: marked, still there
    expect(pod('slow-0')?.metadata.deletionTimestamp).to.be.a('string');
    const watches = cluster.requestCounts().watch ?? 0;
    const waiting = run(['wait', '--for=delete', 'pod/slow-0', '--timeout=60s']);
    await watchOpened(watches);
    api().delete(rt('', 'pods'), 'default', 'slow-0', { gracePeriodSeconds: 0 });
    const out = await waiting;
    expect(out.code, out.stderr).to.equal(0);
    expect(out.stdout.trim()).to.equal('pod/slow-0 condition met');
  });

  it('lists CloudNativePG clusters with the operator printer columns', async () => {
    const clusters = rt('postgresql.cnpg.io', 'clusters');
    api().create(clusters, 'default', {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Cluster',
      metadata: { name: 'pg' },
      spec: { instances: 3 },
    });
    const pg = api().get(clusters, 'default', 'pg');
    pg.status = {
      instances: 3,
      readyInstances: 3,
      phase: 'Cluster in healthy state',
      currentPrimary: 'pg-1',
    };
    api().update(clusters, 'default', 'pg', pg, { subresource: 'status' });
    const out = await run(['get', 'clusters.postgresql.cnpg.io']);
    expect(out.code, out.stderr).to.equal(0);
    const [header, row] = out.stdout.split('\n');
    expect(header).to.match(/^NAME\s+AGE\s+INSTANCES\s+READY\s+STATUS\s+PRIMARY$/);
    expect(row).to.match(/^pg\s+\S+\s+3\s+3\s+Cluster in healthy state\s+pg-1$/);
  });

  it('drains a node through the eviction API', async () => {
    addNode('drain-1');
    runningPod('evict-0', 'drain-1');
    const out = await run(['drain', 'drain-1', '--force', '--ignore-daemonsets', '--timeout=20s']);
    expect(out.code, out.stderr).to.equal(0);
    expect(out.stdout).to.include('evicting pod default/evict-0');
    expect(out.stdout).to.include('pod/evict-0 evicted');
    expect(out.stdout).to.include('node/drain-1 drained');
    expect(pod('evict-0')).to.equal(undefined);
  });

  it('fails to drain a node when the disruption budget allows no eviction', async () => {
    addNode('drain-2');
    runningPod('guarded-0', 'drain-2', { app: 'guarded' });
    const pdbs = rt('policy', 'poddisruptionbudgets');
    api().create(pdbs, 'default', {
      metadata: { name: 'guarded-pdb' },
      spec: { minAvailable: 1, selector: { matchLabels: { app: 'guarded' } } },
    });
    const pdb = api().get(pdbs, 'default', 'guarded-pdb');
    pdb.status = {
      observedGeneration: pdb.metadata.generation,
      disruptionsAllowed: 0,
      currentHealthy: 1,
      desiredHealthy: 1,
      expectedPods: 1,
    };
    api().update(pdbs, 'default', 'guarded-pdb', pdb, { subresource: 'status' });
    const out = await run(['drain', 'drain-2', '--force', '--timeout=3s']);
    expect(out.code).to.not.equal(0);
    expect(out.stderr).to.include(
      `error when evicting pods/"guarded-0" -n "default" (will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget.`,
    );
    expect(pod('guarded-0')?.metadata.deletionTimestamp).to.equal(undefined);
  });
  it('scales a CloudNativePG cluster through its scale subresource', async () => {
    const clusters = rt('postgresql.cnpg.io', 'clusters');
    api().create(clusters, 'default', {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Cluster',
      metadata: { name: 'pg-scale' },
      spec: { instances: 1 },
    });
    const out = await run(['scale', 'cluster', 'pg-scale', '--replicas=3']);
    expect(out.stdout.trim(), out.stderr).to.equal('cluster.postgresql.cnpg.io/pg-scale scaled');
    expect(api().get(clusters, 'default', 'pg-scale').spec).to.deep.include({ instances: 3 });
  });

  it('creates objects from a file with strict validation on', async () => {
    const file = await manifest(
      'svc.yaml',
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: pg-rw\nspec:\n  selector:\n    role: primary\n  ports:\n  - port: 5432\n',
    );
    const out = await run(['create', '-f', file]);
    expect(out.stdout.trim(), out.stderr).to.equal('service/pg-rw created');
    const listed = await run(['get', 'service', 'pg-rw']);
    expect(listed.stdout).to.match(/pg-rw\s+ClusterIP\s+10\.\d+\.\d+\.\d+\s+<none>\s+5432\/TCP/);
  });

  it('deletes a namespace once its finalizer is cleared through the finalize subresource', async () => {
    api().create(rt('', 'namespaces'), undefined, { metadata: { name: 'doomed' } });
    const deleting = run(['delete', 'namespace', 'doomed', '--timeout=60s']);
    const ns = await until('kubectl to mark the namespace for deletion', async () => {
      const found = api().get(rt('', 'namespaces'), undefined, 'doomed');
      return found.metadata.deletionTimestamp ? found : undefined;
    });
    expect(ns.status).to.deep.equal({ phase: 'Terminating' });
    // What the namespace controller does once the namespace is empty.
    const finalize = api().subresourceHandler(rt('', 'namespaces'), 'finalize')!;
    finalize.update!(
      api(),
      rt('', 'namespaces'),
      undefined,
      'doomed',
      { ...ns, spec: { finalizers: [] } },
      {},
    );
    const out = await deleting;
    expect(out.stdout.trim(), out.stderr).to.equal('namespace "doomed" deleted');
    expect(api().find(rt('', 'namespaces'), undefined, 'doomed')).to.equal(undefined);
  });
  it('refuses a custom object with a field its CRD does not declare, as strict validation does', async () => {
    api().create(rt('apiextensions.k8s.io', 'customresourcedefinitions'), undefined, {
      metadata: { name: 'gadgets.example.com' },
      spec: {
        group: 'example.com',
        names: { kind: 'Gadget', plural: 'gadgets' },
        scope: 'Namespaced',
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: {
                type: 'object',
                properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } },
              },
            },
          },
        ],
      },
    });
    const file = await manifest(
      'gadget.yaml',
      'apiVersion: example.com/v1\nkind: Gadget\nmetadata:\n  name: g\nspec:\n  size: 1\n  colour: red\n',
    );
    const out = await run(['apply', '-f', file]);
    expect(out.code).to.not.equal(0);
    expect(out.stderr.trim()).to.equal(
      `Error from server (BadRequest): error when creating "${file}": Gadget in version "v1" cannot be handled as a Gadget: strict decoding error: unknown field "spec.colour"`,
    );
  });
});
