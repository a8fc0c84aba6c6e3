import type { V1Pod } from '@kubernetes/client-node';
import { expect, use } from 'chai';
import chaiAsPromised from 'chai-as-promised';
import { type Connection, connect } from '../client/index.ts';
import {
  CONTROLPLANE_HOOK_TIMEOUT_MS,
  startTestCluster,
  type TestCluster,
} from '../controlplane/testing/test-target.ts';
import { cordon, uncordon, uncordonAll } from './cordon.ts';
import { type DrainOptions, drainNode } from './drain.ts';
import { createTestNamespace } from './namespaces.ts';
import { DrainBlockedError, DrainTimeoutError, EvictionRefusedError } from './drain-errors.ts';

use(chaiAsPromised);

const NS = 'default';
const owned = (kind: string, name: string, apiVersion = 'apps/v1') => [
  { apiVersion, kind, name, uid: `uid-${name}`, controller: true },
];

interface PodSpec {
  name: string;
  node?: string;
  owner?: ReturnType<typeof owned>;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  emptyDir?: boolean;
  grace?: number;
}

async function makePod(conn: Connection, p: PodSpec): Promise<V1Pod> {
  return conn.core.createNamespacedPod({
    namespace: NS,
    body: {
      metadata: {
        name: p.name,
        labels: p.labels ?? {},
        annotations: p.annotations ?? {},
        ...(p.owner ? { ownerReferences: p.owner } : {}),
      },
      spec: {
        nodeName: p.node ?? 'worker',
        terminationGracePeriodSeconds: p.grace ?? 0,
        containers: [{ name: 'c', image: 'busybox' }],
        ...(p.emptyDir ? { volumes: [{ name: 'scratch', emptyDir: {} }] } : {}),
      },
    },
  });
}

/** Acts as the kubelet would: the pod runs and is Ready, so budgets count it. */
async function markReady(conn: Connection, name: string): Promise<void> {
  const pod = await conn.getPod(NS, name);
  pod.status = {
    phase: 'Running',
    conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: new Date() }],
  };
  await conn.core.replaceNamespacedPodStatus({ namespace: NS, name, body: pod });
}

/** Acts as the disruption controller would: a budget with this many disruptions allowed. */
async function makePdb(conn: Connection, name: string, app: string, allowed: number): Promise<void> {
  const pdb = await conn.policy.createNamespacedPodDisruptionBudget({
    namespace: NS,
    body: { metadata: { name }, spec: { minAvailable: 1, selector: { matchLabels: { app } } } },
  });
  await setAllowed(conn, name, allowed, pdb.metadata?.generation ?? 1);
}

async function setAllowed(conn: Connection, name: string, allowed: number, generation = 1): Promise<void> {
  const pdb = await conn.policy.readNamespacedPodDisruptionBudget({ namespace: NS, name });
  pdb.status = {
    observedGeneration: generation,
    disruptionsAllowed: allowed,
    currentHealthy: 1,
    desiredHealthy: 1,
    expectedPods: 1,
  };
  await conn.policy.replaceNamespacedPodDisruptionBudgetStatus({ namespace: NS, name, body: pdb });
}

describe('cordon, uncordon and drainNode', () => {
  let cluster: TestCluster;
  let conn: Connection;

  beforeEach(async function () {
    this.timeout(CONTROLPLANE_HOOK_TIMEOUT_MS);
    cluster = await startTestCluster({ seed: 7 });
    conn = await connect({ kubeconfig: cluster.kubeconfig, retry: { retries: 0 } });
    for (const name of ['worker', 'worker2']) await conn.core.createNode({ body: { metadata: { name } } });
  });
  afterEach(async function () {
    this.timeout(60_000);
    conn.close();
    await cluster.stop();
  });

  it('cordons and uncordons a node through spec.unschedulable', async () => {
    expect((await cordon(conn, 'worker')).spec?.unschedulable).to.equal(true);
    expect((await uncordon(conn, 'worker')).spec?.unschedulable).to.equal(undefined);
  });

  it('uncordons every cordoned node and says which', async () => {
    await cordon(conn, 'worker2');
    expect(await uncordonAll(conn)).to.deep.equal(['worker2']);
    expect((await conn.getNode('worker2')).spec?.unschedulable).to.equal(undefined);
  });

  it('rejects an empty node name at once', async () => {
    await expect(drainNode(conn, '')).to.be.rejectedWith(
      TypeError,
      'drainNode: node name must be a non-empty string, got ""',
    );
  });

  it('fails naming the node when it does not exist', async () => {
    const err = await drainNode(conn, 'nope', { timeout: '1s' }).catch((e) => e);
    expect(err.message).to.equal(
      'drainNode: node "nope" does not exist; nodes in the cluster: worker, worker2',
    );
  });

  it('cordons the node, evicts its managed pods and leaves other nodes alone', async () => {
    await makePod(conn, { name: 'web-0', owner: owned('StatefulSet', 'web') });
    await makePod(conn, { name: 'web-1', node: 'worker2', owner: owned('StatefulSet', 'web') });
    const result = await drainNode(conn, 'worker', { timeout: '30s', pollIntervalMs: 20 });
    expect(result.evicted.map((e) => [e.name, e.outcome])).to.deep.equal([['web-0', 'gone']]);
    expect((await conn.getNode('worker')).spec?.unschedulable).to.equal(true);
    expect(await conn.findPod(NS, 'web-1')).to.not.equal(undefined);
  });

  it('skips DaemonSet-managed and mirror pods and reports them', async () => {
    await conn.apps.createNamespacedDaemonSet({
      namespace: NS,
      body: {
        metadata: { name: 'agent' },
        spec: {
          selector: { matchLabels: { app: 'agent' } },
          template: {
            metadata: { labels: { app: 'agent' } },
            spec: { containers: [{ name: 'a', image: 'x' }] },
          },
        },
      },
    });
    await makePod(conn, { name: 'agent-x', owner: owned('DaemonSet', 'agent') });
    await makePod(conn, {
      name: 'static-worker',
      owner: owned('Node', 'worker', 'v1'),
      annotations: { 'kubernetes.io/config.mirror': 'abc' },
    });
    const result = await drainNode(conn, 'worker', { timeout: '30s', pollIntervalMs: 20 });
    expect(result.evicted).to.deep.equal([]);
    expect(result.skipped.map((s) => [s.name, s.reason])).to.have.deep.members([
      ['agent-x', 'daemonset'],
      ['static-worker', 'mirror'],
    ]);
    expect(result.warnings).to.deep.equal(['ignoring DaemonSet-managed Pods: default/agent-x']);
  });

  it('refuses, like kubectl, to drain pods with local storage or without a controller unless told to', async () => {
    await makePod(conn, { name: 'cache', owner: owned('ReplicaSet', 'cache-rs'), emptyDir: true });
    await makePod(conn, { name: 'lonely' });
    const err = await drainNode(conn, 'worker', { timeout: '30s' }).catch((e) => e);
    expect(err).to.be.instanceOf(DrainBlockedError);
    expect(err.message).to.equal(
      'drainNode worker: cannot delete Pods with local storage (use deleteEmptyDirData to override): default/cache; cannot delete Pods that declare no controller (use force to override): default/lonely; nothing was evicted and the node stays cordoned',
    );
    expect(await conn.findPod(NS, 'cache')).to.not.equal(undefined);
  });

  it('evicts pods with local storage and unmanaged pods when allowed, with warnings', async () => {
    await makePod(conn, { name: 'cache', owner: owned('ReplicaSet', 'cache-rs'), emptyDir: true });
    await makePod(conn, { name: 'lonely' });
    const result = await drainNode(conn, 'worker', {
      timeout: '30s',
      pollIntervalMs: 20,
      deleteEmptyDirData: true,
      force: true,
      ownNamespaces: [NS],
    });
    expect(result.evicted.map((e) => e.name).sort()).to.deep.equal(['cache', 'lonely']);
    expect(result.warnings).to.have.members([
      'deleting Pods with local storage: default/cache',
      'deleting Pods that declare no controller: default/lonely',
    ]);
  });

  it("never force-deletes an unmanaged pod outside the run's namespaces, but evicts managed ones there", async () => {
    await makePod(conn, { name: 'cache', owner: owned('ReplicaSet', 'cache-rs'), emptyDir: true });
    await makePod(conn, { name: 'ledger-0', emptyDir: true });
    const options = { timeout: '30s', pollIntervalMs: 20, deleteEmptyDirData: true, force: true } as const;
    const err = await drainNode(conn, 'worker', options).catch((e) => e);
    expect(err).to.be.instanceOf(DrainBlockedError);
    expect(err.message).to.equal(
      "drainNode worker: cannot delete Pods outside this run's namespaces that no controller would recreate (force applies only to the run's namespaces and ownNamespaces; delete them yourself if they may go): default/ledger-0; nothing was evicted and the node stays cordoned",
    );
    expect(await conn.findPod(NS, 'ledger-0')).to.not.equal(undefined);
    await conn.core.deleteNamespacedPod({ namespace: NS, name: 'ledger-0' });
    const result = await drainNode(conn, 'worker', options);
    expect(result.evicted.map((e) => e.name)).to.deep.equal(['cache']);
  });

  it('force-deletes unmanaged pods in a namespace createTestNamespace made', async () => {
    const ns = await createTestNamespace(conn, { prefix: 'drain' });
    await conn.core.createNamespacedPod({
      namespace: ns.name,
      body: {
        metadata: { name: 'lonely' },
        spec: {
          nodeName: 'worker',
          terminationGracePeriodSeconds: 0,
          containers: [{ name: 'c', image: 'x' }],
        },
      },
    });
    const result = await drainNode(conn, 'worker', { timeout: '30s', pollIntervalMs: 20, force: true });
    expect(result.evicted.map((e) => `${e.namespace}/${e.name}`)).to.deep.equal([`${ns.name}/lonely`]);
  });

  it('rejects unknown, mistyped and out-of-range options at the call', async () => {
    const bad = (options: object) => drainNode(conn, 'worker', options as DrainOptions).catch((e) => e);
    const messages = await Promise.all([
      bad({ forcee: true }),
      bad({ gracePeriodSeconds: 'abc' }),
      bad({ pollIntervalMs: -5 }),
      bad({ onProgress: 'log' }),
    ]);
    expect(messages.map((e) => [e.name, e.message])).to.deep.equal([
      ['TypeError', 'drainNode: unknown option forcee; did you mean force?'],
      [
        'TypeError',
        'drainNode: option gracePeriodSeconds must be a whole number of seconds, 0 or more, got "abc"',
      ],
      ['TypeError', 'drainNode: option pollIntervalMs must be a positive number of milliseconds, got -5'],
      ['TypeError', 'drainNode: option onProgress must be a function, got "log"'],
    ]);
    expect((await conn.getNode('worker')).spec?.unschedulable).to.equal(undefined);
  });

  it('retries evictions a PodDisruptionBudget refuses, and evicts once the budget allows', async () => {
    await makePod(conn, { name: 'db-1', labels: { app: 'db' }, owner: owned('StatefulSet', 'db') });
    await markReady(conn, 'db-1');
    await makePdb(conn, 'db-pdb', 'db', 0);
    const refusals: string[] = [];
    const drained = drainNode(conn, 'worker', {
      timeout: '30s',
      retryDelayMs: 20,
      pollIntervalMs: 20,
      onProgress: (e) => {
        if (e.type === 'refused') refusals.push(e.message);
      },
    });
    while (refusals.length < 2) await new Promise((r) => setTimeout(r, 10));
    await setAllowed(conn, 'db-pdb', 1);
    const result = await drained;
    expect(result.evicted.map((e) => [e.name, e.outcome])).to.deep.equal([['db-1', 'gone']]);
    expect(result.evicted[0]?.refusals).to.be.greaterThanOrEqual(2);
    expect(refusals[0]).to.equal("Cannot evict pod as it would violate the pod's disruption budget.");
  });

  it('throws a typed error naming the PDB and the server message when refusals outlast the deadline', async () => {
    await makePod(conn, { name: 'db-1', labels: { app: 'db' }, owner: owned('StatefulSet', 'db') });
    await markReady(conn, 'db-1');
    await makePdb(conn, 'db-pdb', 'db', 0);
    // Long enough for a busy machine to reach the first eviction: the refusals must be what ends it.
    const err = await drainNode(conn, 'worker', { timeout: '3s', retryDelayMs: 50 }).catch((e) => e);
    expect(err).to.be.instanceOf(EvictionRefusedError);
    expect(err.pdb).to.equal('db-pdb');
    expect(err.refusals[0].message).to.equal(
      "Cannot evict pod as it would violate the pod's disruption budget. (The disruption budget db-pdb needs 1 healthy pods and has 1 currently)",
    );
    expect(err.message).to.match(
      /^drainNode worker: eviction still refused after 3s:\n {2}pod default\/db-1 \(PodDisruptionBudget db-pdb\): Cannot evict pod as it would violate the pod's disruption budget\. \(The disruption budget db-pdb needs 1 healthy pods and has 1 currently\) \(\d+ attempts\)\nevicted meanwhile: none$/,
    );
    expect(await conn.findPod(NS, 'db-1')).to.not.equal(undefined);
  });

  it('honours Retry-After: a budget still being processed is retried only when the server says', async () => {
    await makePod(conn, { name: 'db-1', labels: { app: 'db' }, owner: owned('StatefulSet', 'db') });
    await markReady(conn, 'db-1');
    await makePdb(conn, 'db-pdb', 'db', 1);
    await setAllowed(conn, 'db-pdb', 1, 0); // observedGeneration behind: the server answers 429 with Retry-After 10
    // 3 s: the first eviction happens even on a busy machine, and Retry-After (10 s) outlasts it.
    const err = await drainNode(conn, 'worker', { timeout: '3s', retryDelayMs: 20 }).catch((e) => e);
    expect(err).to.be.instanceOf(EvictionRefusedError);
    expect(err.refusals[0].attempts).to.equal(1);
    expect(err.refusals[0].message).to.equal(
      "Cannot evict pod as it would violate the pod's disruption budget. (The disruption budget db-pdb is still being processed by the server.)",
    );
  });

  it('counts a pod replaced under the same name by a new uid as drained', async () => {
    await makePod(conn, { name: 'web-0', owner: owned('StatefulSet', 'web'), grace: 30 });
    const drained = drainNode(conn, 'worker', { timeout: '30s', pollIntervalMs: 300 });
    // Acts as the StatefulSet controller: once the old pod is terminating, a new web-0 replaces it.
    for (;;) {
      const pod = await conn.findPod(NS, 'web-0');
      if (pod?.metadata?.deletionTimestamp) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    await conn.core.deleteNamespacedPod({ namespace: NS, name: 'web-0', gracePeriodSeconds: 0 });
    await makePod(conn, { name: 'web-0', node: 'worker2', owner: owned('StatefulSet', 'web') });
    const result = await drained;
    // Drained, not a timeout waiting for the name to go: whether the wait saw the name absent for a
    // moment (gone) or only the new uid (replaced) depends on how the watch events were batched.
    expect(result.evicted).to.have.length(1);
    expect(result.evicted[0]!.name).to.equal('web-0');
    expect(result.evicted[0]!.outcome).to.be.oneOf(['replaced', 'gone']);
    expect((await conn.getPod(NS, 'web-0')).spec?.nodeName).to.equal('worker2');
  });

  it('throws a typed timeout error for evicted pods that never go away', async () => {
    await makePod(conn, { name: 'slow', owner: owned('StatefulSet', 'slow'), grace: 30 });
    const err = await drainNode(conn, 'worker', { timeout: '2s', pollIntervalMs: 20 }).catch((e) => e);
    expect(err).to.be.instanceOf(DrainTimeoutError);
    expect(err.message).to.equal('drainNode worker: evicted pods still present after 2s: default/slow');
    expect(err.pending).to.deep.equal([{ namespace: NS, name: 'slow' }]);
  });
});
