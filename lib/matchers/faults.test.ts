import { expect } from 'chai';
import { type Connection, connect } from '../client/index.ts';
import { setWatchCacheDefaults } from '../observe/index.ts';
import { type Cluster, startCluster } from '../sim/index.ts';
import { consistentlyPod, eventuallyPod } from './index.ts';

/** Writes retried through the connection's policy, since the faults hit them too. */
async function setPhase(conn: Connection, ns: string, name: string, phase: string, ready?: boolean) {
  await conn.call(`status ${name}`, async () => {
    const pod = await conn.core.readNamespacedPod({ namespace: ns, name });
    const conditions =
      ready === undefined ? pod.status?.conditions : [{ type: 'Ready', status: ready ? 'True' : 'False' }];
    pod.status = { ...pod.status, phase, conditions };
    return conn.core.replaceNamespacedPodStatus({ namespace: ns, name, body: pod });
  });
}

describe('verdicts under injected faults (errors, closed watches, 410 on resume)', () => {
  let cluster: Cluster;
  let conn: Connection;
  const ns = 'faults';

  before(async () => {
    setWatchCacheDefaults({ pollIntervalMs: 200 });
    cluster = await startCluster({ seed: 11 });
    conn = await connect({
      kubeconfig: cluster.kubeconfig,
      retry: { minDelayMs: 20, maxDelayMs: 100, retries: 10 },
    });
    await conn.core.createNamespace({ body: { metadata: { name: ns } } });
    for (const name of ['f1', 'f2', 'f3']) {
      await conn.core.createNamespacedPod({
        namespace: ns,
        body: { metadata: { name }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'x' }] } },
      });
    }
    cluster.setFaults({
      errorRate: 0.2,
      errorCodes: [500, 503],
      closeWatchesEverySeconds: 0.3,
      expireOnResume: true,
    });
  });

  after(async () => {
    cluster.setFaults(undefined);
    conn.close();
    await cluster.stop();
  });

  it('eventually passes once the pod is Ready', async () => {
    const waiting = eventuallyPod(conn, ns, 'f1', { timeout: '10s', poll: '200ms' }).toBeReady();
    await setPhase(conn, ns, 'f1', 'Running', false);
    await new Promise((r) => setTimeout(r, 400));
    await setPhase(conn, ns, 'f1', 'Running', true);
    const pod = await waiting;
    expect(pod.status?.phase).to.equal('Running');
  });

  it('consistently holds through closed watches and relists without a false violation', async () => {
    await consistentlyPod(conn, ns, 'f2', { for: '1500ms', poll: '200ms' }).toBeOnNode('n1');
  });

  it('consistently still fails on a real violation', async () => {
    const holding = consistentlyPod(conn, ns, 'f3', { for: '5s', poll: '200ms' }).toBePending();
    await new Promise((r) => setTimeout(r, 300));
    await setPhase(conn, ns, 'f3', 'Failed');
    const err = await holding.then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err?.message).to.match(
      /^Failed after \d+(\.\d+)?m?s of 5s: expected pod faults\/f3 to be Pending throughout/,
    );
  });
});
