import { expect } from 'chai';
import {
  consistentlyPod,
  eventuallyPod,
  setStorageExpectationResolver,
  storageProfileExpectation,
} from './index.ts';
import { createPod, deletePod, failureOf, gist, setPodStatus, sleep, useSim } from './testing/sim-fixture.ts';

const UNSCHEDULABLE =
  '0/3 nodes are available: 1 node(s) were unschedulable, 2 node(s) had volume node affinity conflict.';

describe('toBeRescheduledOrPending', () => {
  const f = useSim('m-elastic');

  /** A pod on n1 and its baseline; then the "drain" deletes it. */
  async function drained(name: string) {
    await createPod(f, name, { nodeName: 'n1' });
    await setPodStatus(f, name, { phase: 'Running', ready: true });
    return f.conn.getPod(f.ns, name);
  }

  it('resolves to pending, with the scheduler reason and message, on node-bound storage', async () => {
    const before = await drained('e1');
    const waiting = eventuallyPod(f.conn, f.ns, 'e1', { timeout: '2s' }).toBeRescheduledOrPending({
      from: 'n1',
      baseline: before,
    });
    await deletePod(f, 'e1');
    await createPod(f, 'e1');
    await setPodStatus(f, 'e1', { unschedulable: UNSCHEDULABLE });
    const outcome = await waiting;
    expect(outcome).to.deep.include({
      kind: 'pending',
      from: 'n1',
      reason: 'Unschedulable',
      message: UNSCHEDULABLE,
      previousUid: before.metadata?.uid,
    });
  });

  it('resolves to rescheduled, with from, to and the new UID, when storage follows the pod', async () => {
    const before = await drained('e2');
    const waiting = eventuallyPod(f.conn, f.ns, 'e2', { timeout: '30s' }).toBeRescheduledOrPending({
      from: 'n1',
      baseline: before,
    });
    await deletePod(f, 'e2');
    await createPod(f, 'e2', { nodeName: 'n2' });
    const outcome = await waiting;
    expect(outcome).to.deep.include({ kind: 'rescheduled', from: 'n1', to: 'n2' });
    expect(outcome.uid).to.not.equal(before.metadata?.uid);
  });

  it('does not take a freshly created pod the scheduler has not judged for pending', async () => {
    const before = await drained('e3');
    const waiting = eventuallyPod(f.conn, f.ns, 'e3', { timeout: '30s' }).toBeRescheduledOrPending({
      from: 'n1',
      baseline: before,
    });
    await deletePod(f, 'e3');
    await createPod(f, 'e3');
    await sleep(100);
    await f.conn.core.createNamespacedPodBinding({
      namespace: f.ns,
      name: 'e3',
      body: { metadata: { name: 'e3' }, target: { kind: 'Node', name: 'n2' } },
    });
    expect((await waiting).kind).to.equal('rescheduled');
  });

  it("with expect: 'rescheduled', waits through a transient Unschedulable until the pod lands elsewhere", async () => {
    const before = await drained('e4');
    const waiting = eventuallyPod(f.conn, f.ns, 'e4', { timeout: '30s' }).toBeRescheduledOrPending({
      from: 'n1',
      baseline: before,
      expect: 'rescheduled',
    });
    await deletePod(f, 'e4');
    await createPod(f, 'e4');
    await setPodStatus(f, 'e4', { unschedulable: 'waiting for the volume to detach' });
    await sleep(100);
    await f.conn.core.createNamespacedPodBinding({
      namespace: f.ns,
      name: 'e4',
      body: { metadata: { name: 'e4' }, target: { kind: 'Node', name: 'n3' } },
    });
    expect(await waiting).to.deep.include({ kind: 'rescheduled', to: 'n3' });
  });

  it('fails when the original pod is still on the node at the deadline', async () => {
    const before = await drained('e5');
    const message = await failureOf(
      eventuallyPod(f.conn, f.ns, 'e5', { timeout: '1s' }).toBeRescheduledOrPending({
        from: 'n1',
        baseline: before,
      }),
    );
    expect(gist(message)).to.match(
      /^Timed out after T of 1s: expected pod m-elastic\/e5 to be rescheduled off n1 or Pending\.\n {2}last seen: the original instance is still there: Running on n1, uid \w{8}$/,
    );
    expect(message).to.match(/LISTED {4}list {4}uid \w{8} {2}rv \d+ {2}Running {2}node=n1 {2}Ready=True/);
  });

  it('fails at once when a new instance comes back to the node it left', async () => {
    const before = await drained('e6');
    const waiting = eventuallyPod(f.conn, f.ns, 'e6', { timeout: '1m' }).toBeRescheduledOrPending({
      from: 'n1',
      baseline: before,
    });
    await waiting.observing;
    await deletePod(f, 'e6');
    await createPod(f, 'e6', { nodeName: 'n1' });
    const message = await failureOf(waiting);
    expect(gist(message)).to.match(
      /^Gave up after T of 1m: expected pod m-elastic\/e6 to be rescheduled off n1 or Pending, and that can no longer happen\.\n {2}last seen: a new instance \(uid \w{8}\) was scheduled back onto n1$/,
    );
    expect(message).to.match(
      // A real API server shows the pod terminating (MODIFIED) before it is DELETED, even with grace 0.
      /DELETED {3}watch {3}uid \w{8} {2}rv \d+ {2}Running {2}node=n1(?: {2}terminating)? {2}Ready=True\n +\+\d\.\d{3}s {2}ADDED {5}watch/,
    );
  });

  it("with expect: 'pending', fails at once when the pod is rescheduled instead", async () => {
    const before = await drained('e7');
    const waiting = eventuallyPod(f.conn, f.ns, 'e7', { timeout: '1m' }).toBeRescheduledOrPending({
      from: 'n1',
      baseline: before,
      expect: 'pending',
    });
    await deletePod(f, 'e7');
    await createPod(f, 'e7', { nodeName: 'n2' });
    const message = await failureOf(waiting);
    expect(gist(message)).to.match(
      /^Gave up after T of 1m: expected pod m-elastic\/e7 to be Pending after leaving n1, and that can no longer happen\.\n {2}last seen: expected it to stay Pending, but a new instance \(uid \w{8}\) is on n2, Running|Pending$/,
    );
  });

  it("with expect: 'auto', asks the storage expectation resolver and says why in failures", async () => {
    const before = await drained('e8');
    setStorageExpectationResolver(async ({ name, from }) => ({
      expect: 'pending',
      because: `${name}'s claim is bound to a local volume on ${from}`,
    }));
    try {
      const waiting = eventuallyPod(f.conn, f.ns, 'e8', { timeout: '1m' }).toBeRescheduledOrPending({
        from: 'n1',
        baseline: before,
        expect: 'auto',
      });
      await deletePod(f, 'e8');
      await createPod(f, 'e8', { nodeName: 'n2' });
      const message = await failureOf(waiting);
      expect(message.split('\n')[0]).to.match(
        /^Gave up after [\d.]+m?s of 1m: expected pod m-elastic\/e8 to be Pending after leaving n1 \(e8's claim is bound to a local volume on n1\), and that can no longer happen\.$/,
      );
    } finally {
      setStorageExpectationResolver(storageProfileExpectation);
    }
  });

  it('without a baseline, takes the instance on the node when the wait began as the original', async () => {
    await drained('e9');
    const waiting = eventuallyPod(f.conn, f.ns, 'e9', { timeout: '30s' }).toBeRescheduledOrPending({
      from: 'n1',
    });
    await sleep(100);
    await deletePod(f, 'e9');
    await createPod(f, 'e9', { nodeName: 'n2' });
    expect(await waiting).to.deep.include({ kind: 'rescheduled', to: 'n2' });
  });

  it('is an eventually matcher only, cannot be negated, and checks its options at once', () => {
    expect(() => consistentlyPod(f.conn, f.ns, 'x').toBeRescheduledOrPending({ from: 'n1' })).to.throw(
      'toBeRescheduledOrPending is an eventually matcher; it cannot be used with consistently',
    );
    expect(() => eventuallyPod(f.conn, f.ns, 'x').not.toBeRescheduledOrPending({ from: 'n1' })).to.throw(
      'toBeRescheduledOrPending cannot be negated with .not: it already names every acceptable outcome',
    );
    expect(() => eventuallyPod(f.conn, f.ns, 'x').toBeRescheduledOrPending({} as never)).to.throw(
      "toBeRescheduledOrPending: expected { from: '<node name>' } (the node the pod is leaving)",
    );
    expect(() =>
      eventuallyPod(f.conn, f.ns, 'x').toBeRescheduledOrPending({ from: 'n1', expect: 'sometimes' as never }),
    ).to.throw("toBeRescheduledOrPending: expect must be 'pending', 'rescheduled' or 'auto', got sometimes");
  });
  it('fails at once, saying where the pod is, when it was never on from and no baseline was given', async () => {
    await createPod(f, 'p1', { nodeName: 'n2' });
    await setPodStatus(f, 'p1', { phase: 'Running', ready: true });
    const message = await failureOf(
      eventuallyPod(f.conn, f.ns, 'p1', { timeout: '60s' }).toBeRescheduledOrPending({ from: 'n1' }),
    );
    expect(gist(message)).to.match(
      /^Gave up after T of 1m: expected pod m-elastic\/p1 to be rescheduled off n1 or Pending, and that can no longer happen\.\n {2}last seen: the pod was not on n1 when the wait began: it was on n2 \(uid \w{8}, Running\), so nothing shows it left n1; read the pod before the action and pass it as baseline, or name the node it is leaving as from$/,
    );
  });

  it('rejects plain-JavaScript mistakes at the call with what to pass', () => {
    const call = (options: unknown) => () =>
      eventuallyPod(f.conn, f.ns, 'p2').toBeRescheduledOrPending(options as { from: string });
    expect(call(undefined)).to.throw(
      TypeError,
      "toBeRescheduledOrPending: pass { from: '<node name>', baseline: <the pod read before the action> }, got undefined",
    );
    expect(call({ form: 'n1' })).to.throw(
      TypeError,
      'toBeRescheduledOrPending: unknown option form; the options are from, baseline, expect',
    );
    expect(call({ from: 3 })).to.throw(
      TypeError,
      "toBeRescheduledOrPending: expected { from: '<node name>' } (the node the pod is leaving), got from: 3",
    );
  });
});
