import type { V1Pod } from '@kubernetes/client-node';
import { expect } from 'chai';
import { type Connection, connect } from '../client/index.ts';
import { type Cluster, cloudPreset, kindPreset, type Preset, startCluster } from '../sim/index.ts';
import { expectedDrainOutcome } from '../storage/drain-expectation.ts';
import { uncordon } from './cordon.ts';
import { drainNode } from './drain.ts';
import { EvictionRefusedError } from './drain-errors.ts';

const NS = 'default';

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A database pod with its own claim, as a StatefulSet would create it (the test plays the controller). */
async function dbPod(conn: Connection, name: string, labels: Record<string, string> = {}): Promise<V1Pod> {
  return conn.core.createNamespacedPod({
    namespace: NS,
    body: {
      metadata: { name, labels: { app: 'db', ...labels } },
      spec: {
        terminationGracePeriodSeconds: 1,
        containers: [{ name: 'pg', image: 'postgres:17' }],
        volumes: [{ name: 'data', persistentVolumeClaim: { claimName: `data-${name}` } }],
      },
    },
  });
}

async function claim(conn: Connection, name: string): Promise<void> {
  await conn.core.createNamespacedPersistentVolumeClaim({
    namespace: NS,
    body: {
      metadata: { name: `data-${name}` },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    },
  });
}

async function runningOn(conn: Connection, name: string): Promise<V1Pod> {
  return until(`pod ${name} running`, async () => {
    const pod = await conn.findPod(NS, name);
    return pod?.status?.phase === 'Running' && pod.spec?.nodeName ? pod : undefined;
  });
}

describe('drainNode on the embedded presets', function () {
  // A preset's start-up and a drain take many seconds on a busy machine; passing tests do not wait for this.
  this.timeout(240_000);
  let cluster: Cluster;
  let conn: Connection;

  async function start(preset: Preset): Promise<void> {
    cluster = await startCluster({ preset, timeScale: 0.01, seed: 21 });
    conn = await connect({ kubeconfig: cluster.kubeconfig });
  }
  afterEach(async () => {
    conn?.close();
    await cluster?.stop();
  });

  it('on kind: skips the DaemonSet pods, evicts the database, and its recreation stays Pending as predicted', async () => {
    await start(kindPreset());
    await claim(conn, 'db-1');
    const before = await runningOn(conn, (await dbPod(conn, 'db-1')).metadata?.name ?? '');
    const node = before.spec?.nodeName ?? '';

    const result = await drainNode(conn, node, {
      force: true,
      ownNamespaces: [NS],
      timeout: '20s',
      pollIntervalMs: 20,
    });
    expect(result.evicted.map((e) => [e.name, e.outcome])).to.deep.equal([['db-1', 'gone']]);
    expect(result.skipped.map((s) => s.reason)).to.deep.equal(['daemonset', 'daemonset']);

    await dbPod(conn, 'db-1');
    const pending = await until('the recreated pod to be unschedulable', async () => {
      const pod = await conn.findPod(NS, 'db-1');
      const cond = pod?.status?.conditions?.find((c) => c.type === 'PodScheduled');
      return cond?.status === 'False' ? pod : undefined;
    });
    expect(pending.spec?.nodeName).to.equal(undefined);
    const prediction = await expectedDrainOutcome(conn, NS, before, { node });
    expect([prediction.expected, prediction.impossible]).to.deep.equal(['pending', ['rescheduled']]);

    await uncordon(conn, node);
    expect((await runningOn(conn, 'db-1')).spec?.nodeName).to.equal(node);
  });

  it('on cloud: the recreated database lands on another node, as predicted', async () => {
    await start(cloudPreset());
    await claim(conn, 'db-1');
    const before = await runningOn(conn, (await dbPod(conn, 'db-1')).metadata?.name ?? '');
    const node = before.spec?.nodeName ?? '';
    const prediction = await expectedDrainOutcome(conn, NS, before, { node });
    expect(prediction.expected).to.equal('rescheduled');

    await drainNode(conn, node, { force: true, ownNamespaces: [NS], timeout: '20s', pollIntervalMs: 20 });
    await dbPod(conn, 'db-1');
    const after = await runningOn(conn, 'db-1');
    expect(after.spec?.nodeName).to.not.equal(node);
  });

  it('on kind: a PodDisruptionBudget the disruption controller keeps at zero refuses the drain by name', async () => {
    await start(kindPreset());
    await claim(conn, 'db-1');
    const pod = await runningOn(conn, (await dbPod(conn, 'db-1')).metadata?.name ?? '');
    await until('db-1 ready', async () =>
      (await conn.getPod(NS, 'db-1')).status?.conditions?.some(
        (c) => c.type === 'Ready' && c.status === 'True',
      )
        ? true
        : undefined,
    );
    await conn.policy.createNamespacedPodDisruptionBudget({
      namespace: NS,
      body: {
        metadata: { name: 'db-pdb' },
        spec: { minAvailable: 1, selector: { matchLabels: { app: 'db' } } },
      },
    });
    await until('the budget computed', async () => {
      const pdb = await conn.policy.readNamespacedPodDisruptionBudget({ namespace: NS, name: 'db-pdb' });
      return pdb.status?.observedGeneration === pdb.metadata?.generation ? pdb : undefined;
    });
    const err = await drainNode(conn, pod.spec?.nodeName ?? '', {
      force: true,
      ownNamespaces: [NS],
      // Long enough for a busy machine to reach the first eviction (the refusal must be what ends it).
      timeout: '3s',
      retryDelayMs: 50,
    }).catch((e) => e);
    expect(err).to.be.instanceOf(EvictionRefusedError);
    expect(err.pdb).to.equal('db-pdb');
    expect(err.refusals[0].message).to.equal(
      "Cannot evict pod as it would violate the pod's disruption budget. (The disruption budget db-pdb needs 1 healthy pods and has 1 currently)",
    );
  });
});
