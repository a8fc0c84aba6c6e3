/**
 * At its deadline a wait catches up with the server before deciding: on a busy control plane the
 * watch can deliver a state seconds after the server had it. A proxy that delays watch events
 * plays that control plane: the state reaches the server before the deadline, the watch after it.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { expect } from 'chai';
import { type Connection, connect } from '../client/index.ts';
import { consistentlyPod, eventuallyEvents, eventuallyPod, podRef } from '../matchers/index.ts';
import {
  createPod,
  deletePod,
  failureOf,
  gist,
  setPodStatus,
  useSim,
} from '../matchers/testing/sim-fixture.ts';
import { FlakyProxy } from '../observe/testing/flaky-proxy.ts';
import { DEADLINE_GRACE_MS } from '../timeouts/index.ts';

/** Each wait's budget: its watches must open and the test's writes land before the deadline, on a busy machine too. */
const BUDGET = '3s';
const BUDGET_MS = 3000;

/** On a machine shared with CPU burners timers run late; this much on top of budget + grace is allowed. */
const BUSY_SLACK_MS = 5000;

describe('deadline catch-up: a watch that lags behind the server', () => {
  const f = useSim('catch-up');
  let proxy: FlakyProxy;
  let conn: Connection;

  /** A connection through a proxy that delays every watch event by `ms`. */
  async function lagging(ms: number): Promise<Connection> {
    proxy = new FlakyProxy();
    const url = await proxy.start(f.conn.server);
    proxy.delayWatchEvents(ms);
    conn = await connect({ kubeconfig: proxy.rewrite(f.cluster.kubeconfig, url) });
    return conn;
  }

  /** Resolves once the wait's caches listed and opened their watches: later writes reach them only by the watch. */
  async function watching(watches = 1): Promise<void> {
    const end = Date.now() + 10_000;
    while (proxy.openWatches < watches) {
      if (Date.now() > end) throw new Error('the wait never opened its watch');
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  afterEach(async () => {
    conn?.close();
    await proxy?.stop();
  });

  it('passes when the server had the state before the deadline and the watch delivers it within the grace', async () => {
    await createPod(f, 'late-1', { nodeName: 'w1' });
    // Delivered a second after the deadline, within the grace.
    const c = await lagging(BUDGET_MS + 1000);
    const waiting = eventuallyPod(c, f.ns, 'late-1', { timeout: BUDGET }).toBeRunning();
    await watching();
    await setPodStatus(f, 'late-1', { phase: 'Running' });
    expect((await waiting).status?.phase).to.equal('Running');
  });

  it('passes on the state read from the server when the watch cannot catch up within the grace', async () => {
    await createPod(f, 'late-2', { nodeName: 'w1' });
    const c = await lagging(60_000);
    const started = Date.now();
    const waiting = eventuallyPod(c, f.ns, 'late-2', { timeout: BUDGET }).toBeRunning();
    await watching();
    await setPodStatus(f, 'late-2', { phase: 'Running' });
    expect((await waiting).status?.phase).to.equal('Running');
    expect(Date.now() - started).to.be.below(BUDGET_MS + DEADLINE_GRACE_MS + BUSY_SLACK_MS);
  });

  it('passes on the state read even when the garbage collector runs during the catch-up', async () => {
    // A whole test run collects garbage often; on Node 20 that once took the timer of the catch-up.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    await createPod(f, 'late-7', { nodeName: 'w1' });
    const c = await lagging(60_000);
    const waiting = eventuallyPod(c, f.ns, 'late-7', { timeout: BUDGET }).toBeRunning();
    await watching();
    await setPodStatus(f, 'late-7', { phase: 'Running' });
    const collecting = setInterval(gc, 50);
    try {
      expect((await waiting).status?.phase).to.equal('Running');
    } finally {
      clearInterval(collecting);
    }
  });

  it('fails as before when the server never got there, showing the state the server has', async () => {
    await createPod(f, 'late-3', { nodeName: 'w1' });
    const c = await lagging(60_000);
    const started = Date.now();
    const waiting = eventuallyPod(c, f.ns, 'late-3', { timeout: BUDGET }).toBeOnNode('w9');
    await watching();
    await setPodStatus(f, 'late-3', { phase: 'Running' });
    const message = await failureOf(waiting);
    // The watch never delivered Running; the failure still names it, from the read at the deadline.
    expect(gist(message)).to.match(
      /^Timed out after T of 3s: expected pod catch-up\/late-3 to be on node w9\.\n {2}last seen: Running on w1, uid \w{8}$/,
    );
    expect(Date.now() - started).to.be.below(BUDGET_MS + DEADLINE_GRACE_MS + BUSY_SLACK_MS);
  });

  it('fails a consistently wait for a violation the server had before the end but the watch delivered after', async () => {
    await createPod(f, 'late-4');
    const c = await lagging(60_000);
    const holding = consistentlyPod(c, f.ns, 'late-4', { for: BUDGET }).toBePending();
    await watching();
    await setPodStatus(f, 'late-4', { phase: 'Failed' });
    const message = await failureOf(holding);
    expect(gist(message)).to.match(
      /^Failed after T of 3s: expected pod catch-up\/late-4 to be Pending throughout, but it was not\.\n {2}violation: Failed unscheduled, uid \w{8}$/,
    );
  });

  it('catches up both the pod and its claims for toReuseClaims', async () => {
    await f.conn.core.createNamespacedPersistentVolumeClaim({
      namespace: f.ns,
      body: {
        metadata: { name: 'data-late-5' },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
      },
    });
    const podOn = (nodeName: string) =>
      f.conn.core.createNamespacedPod({
        namespace: f.ns,
        body: {
          metadata: { name: 'late-5' },
          spec: {
            nodeName,
            containers: [{ name: 'c', image: 'postgres', volumeMounts: [{ name: 'd', mountPath: '/d' }] }],
            volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'data-late-5' } }],
          },
        },
      });
    const before = await podOn('w1');
    const c = await lagging(60_000);
    const started = Date.now();
    const waiting = eventuallyPod(c, f.ns, 'late-5', { timeout: BUDGET }).toReuseClaims({
      baseline: before,
    });
    await watching(2); // pods and claims
    await deletePod(f, 'late-5');
    await podOn('w2');
    const pod = await waiting;
    expect(pod.spec?.nodeName).to.equal('w2');
    expect(pod.metadata?.uid).to.not.equal(before.metadata?.uid);
    expect(Date.now() - started).to.be.below(BUDGET_MS + DEADLINE_GRACE_MS + BUSY_SLACK_MS);
  });

  it('catches up events for toBeEmitted', async () => {
    const c = await lagging(60_000);
    const waiting = eventuallyEvents(
      c,
      f.ns,
      { involvedObject: podRef(f.ns, 'late-6'), reason: 'FailedScheduling' },
      { timeout: BUDGET },
    ).toBeEmitted();
    await watching();
    const now = new Date();
    await f.conn.core.createNamespacedEvent({
      namespace: f.ns,
      body: {
        metadata: { name: 'late-6.1' },
        involvedObject: { kind: 'Pod', name: 'late-6', namespace: f.ns },
        reason: 'FailedScheduling',
        message: '0/3 nodes are available',
        type: 'Warning',
        firstTimestamp: now,
        lastTimestamp: now,
      },
    });
    const events = await waiting;
    expect(events.map((e) => e.reason)).to.deep.equal(['FailedScheduling']);
  });
});
