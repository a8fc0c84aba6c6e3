/**
 * Evictions against a real disruption controller: its PodDisruptionBudget status decides, and the
 * API server's eviction subresource answers 429 while no disruption is allowed.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { expect } from 'chai';
import { type Connection, connect } from '../client/index.ts';
import { realOnlyDescribe, startTestCluster, type TestCluster } from '../controlplane/testing/test-target.ts';
import { eventuallyPod } from '../index.ts';
import { uncordon } from './cordon.ts';
import { drainNode } from './drain.ts';
import { EvictionRefusedError } from './drain-errors.ts';

const NS = 'evict';

/** A pod bound to a node (no scheduler involved), labelled for the budget; kwok makes it Ready. */
async function guardedPod(conn: Connection, name: string, node: string): Promise<V1Pod> {
  // The ServiceAccount controller creates the namespace's default account a moment after the namespace.
  for (let attempt = 0; ; attempt++) {
    try {
      return await conn.core.createNamespacedPod({
        namespace: NS,
        body: {
          metadata: { name, labels: { app: 'guarded' } },
          spec: {
            nodeName: node,
            containers: [{ name: 'c', image: 'nginx' }],
            terminationGracePeriodSeconds: 0,
          },
        },
      });
    } catch (err) {
      if (attempt > 100 || !String((err as Error).message).includes('serviceaccount')) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

async function disruptionsAllowed(conn: Connection, expected: number): Promise<void> {
  const end = Date.now() + 60_000;
  for (;;) {
    const pdb = await conn.policy.readNamespacedPodDisruptionBudget({ namespace: NS, name: 'guard' });
    if (
      pdb.status?.disruptionsAllowed === expected &&
      pdb.status.observedGeneration === pdb.metadata?.generation
    )
      return;
    if (Date.now() > end)
      throw new Error(`disruptionsAllowed never became ${expected}: ${JSON.stringify(pdb.status)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

realOnlyDescribe('evictions on a real control plane', () => {
  let cluster: TestCluster;
  let conn: Connection;
  before(async () => {
    cluster = await startTestCluster({}, { preset: 'kind' });
    conn = await connect({ kubeconfig: cluster.kubeconfig });
    await conn.core.createNamespace({ body: { metadata: { name: NS } } });
    await conn.policy.createNamespacedPodDisruptionBudget({
      namespace: NS,
      body: {
        metadata: { name: 'guard' },
        spec: { minAvailable: 1, selector: { matchLabels: { app: 'guarded' } } },
      },
    });
  });
  after(async () => {
    conn?.close();
    await cluster?.stop();
  });

  it("answers 429 while the disruption controller allows no disruption, and drainNode fails with the budget's name", async () => {
    await guardedPod(conn, 'only', 'kind-worker');
    await eventuallyPod(conn, NS, 'only', { timeout: '60s' }).toBeReady();
    await disruptionsAllowed(conn, 0);
    const err = await drainNode(conn, 'kind-worker', {
      ignoreDaemonSets: true,
      force: true,
      ownNamespaces: [NS],
      timeout: '6s',
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(EvictionRefusedError);
    const refused = err as EvictionRefusedError;
    expect(refused.pdb).to.equal('guard');
    expect(refused.refusals[0]).to.deep.include({ namespace: NS, name: 'only' });
    expect(refused.refusals[0]?.message).to.include(
      "Cannot evict pod as it would violate the pod's disruption budget.",
    );
    expect(refused.refusals[0]?.attempts).to.be.at.least(1);
    expect(refused.message).to.match(
      /^drainNode kind-worker: eviction still refused after 6s:\n {2}pod evict\/only \(PodDisruptionBudget guard\): Cannot evict pod/,
    );
    // The pod is untouched, on the cordoned node.
    const pod = await conn.getPod(NS, 'only');
    expect(pod.metadata?.deletionTimestamp).to.equal(undefined);
    await uncordon(conn, 'kind-worker');
  });

  it('evicts once a second healthy replica lets the budget allow one disruption', async () => {
    await guardedPod(conn, 'second', 'kind-worker2');
    await eventuallyPod(conn, NS, 'second', { timeout: '60s' }).toBeReady();
    await disruptionsAllowed(conn, 1);
    const result = await drainNode(conn, 'kind-worker', {
      ignoreDaemonSets: true,
      force: true,
      ownNamespaces: [NS],
      timeout: '60s',
    });
    expect(result.evicted.map((e) => `${e.namespace}/${e.name} ${e.outcome}`)).to.deep.equal([
      'evict/only gone',
    ]);
    expect(result.skipped.map((s) => s.reason)).to.include('daemonset');
    await uncordon(conn, 'kind-worker');
  });
});
