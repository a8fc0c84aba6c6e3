/**
 * At its deadline a wait catches up with the server before deciding: on a busy control plane the
 * watch can deliver a state seconds after the server had it. A proxy that delays watch events
 * plays that control plane: the state reaches the server before the deadline, the watch after it.
 */
import { expect } from 'chai';
import { type Connection, connect } from '../client/index.ts';
import { consistentlyPod, eventuallyPod } from '../matchers/index.ts';
import { createPod, failureOf, gist, setPodStatus, useSim } from '../matchers/testing/sim-fixture.ts';
import { FlakyProxy } from '../observe/testing/flaky-proxy.ts';
import { DEADLINE_GRACE_MS } from '../timeouts/index.ts';

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

  /** Resolves once the wait's cache listed and opened its watch: later writes reach it only by the watch. */
  async function watching(): Promise<void> {
    const end = Date.now() + 10_000;
    while (proxy.openWatches === 0) {
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
    const c = await lagging(2500);
    const waiting = eventuallyPod(c, f.ns, 'late-1', { timeout: '1500ms' }).toBeRunning();
    await watching();
    await setPodStatus(f, 'late-1', { phase: 'Running' });
    expect((await waiting).status?.phase).to.equal('Running');
  });

  it('passes on the state read from the server when the watch cannot catch up within the grace', async () => {
    await createPod(f, 'late-2', { nodeName: 'w1' });
    const c = await lagging(60_000);
    const started = Date.now();
    const waiting = eventuallyPod(c, f.ns, 'late-2', { timeout: '1500ms' }).toBeRunning();
    await watching();
    await setPodStatus(f, 'late-2', { phase: 'Running' });
    expect((await waiting).status?.phase).to.equal('Running');
    expect(Date.now() - started).to.be.below(1500 + DEADLINE_GRACE_MS + BUSY_SLACK_MS);
  });

  it('fails as before when the server never got there, showing the state the server has', async () => {
    await createPod(f, 'late-3', { nodeName: 'w1' });
    const c = await lagging(60_000);
    const started = Date.now();
    const waiting = eventuallyPod(c, f.ns, 'late-3', { timeout: '1500ms' }).toBeOnNode('w9');
    await watching();
    await setPodStatus(f, 'late-3', { phase: 'Running' });
    const message = await failureOf(waiting);
    // The watch never delivered Running; the failure still names it, from the read at the deadline.
    expect(gist(message)).to.match(
      /^Timed out after T of 1\.5s: expected pod catch-up\/late-3 to be on node w9\.\n {2}last seen: Running on w1, uid \w{8}$/,
    );
    expect(Date.now() - started).to.be.below(1500 + DEADLINE_GRACE_MS + BUSY_SLACK_MS);
  });

  it('fails a consistently wait for a violation the server had before the end but the watch delivered after', async () => {
    await createPod(f, 'late-4');
    const c = await lagging(60_000);
    const holding = consistentlyPod(c, f.ns, 'late-4', { for: '1500ms' }).toBePending();
    await watching();
    await setPodStatus(f, 'late-4', { phase: 'Failed' });
    const message = await failureOf(holding);
    expect(gist(message)).to.match(
      /^Failed after T of 1\.5s: expected pod catch-up\/late-4 to be Pending throughout, but it was not\.\n {2}violation: Failed unscheduled, uid \w{8}$/,
    );
  });
});
