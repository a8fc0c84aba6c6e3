import { expect } from 'chai';
import { eventuallyPod } from './index.ts';
import { createPod, deletePod, failureOf, gist, useSim } from './testing/sim-fixture.ts';

describe('toBeRescheduled', () => {
  const f = useSim('m-resched');

  it('passes for a new instance on another node, resolving to from, to and both UIDs', async () => {
    await createPod(f, 'r1', { nodeName: 'n1' });
    const before = await f.conn.getPod(f.ns, 'r1');
    const waiting = eventuallyPod(f.conn, f.ns, 'r1', { timeout: '30s' }).toBeRescheduled({
      from: 'n1',
      baseline: before,
    });
    await deletePod(f, 'r1');
    await createPod(f, 'r1', { nodeName: 'n2' });
    const outcome = await waiting;
    expect(outcome).to.deep.include({
      kind: 'rescheduled',
      from: 'n1',
      to: 'n2',
      previousUid: before.metadata?.uid,
    });
    expect(outcome.uid).not.to.equal(before.metadata?.uid);
  });

  it('fails while the original instance is still on the node', async () => {
    await createPod(f, 'r2', { nodeName: 'n1' });
    const message = await failureOf(
      eventuallyPod(f.conn, f.ns, 'r2', { timeout: '1s' }).toBeRescheduled({ from: 'n1' }),
    );
    expect(gist(message)).to.match(
      /^Timed out after T of 1s: expected pod m-resched\/r2 to be rescheduled off n1\.\n {2}last seen: the original instance is still there: Pending on n1, uid \w{8}$/,
    );
  });

  it('rejects a baseline that is not on the node it is said to leave', async () => {
    await createPod(f, 'r3', { nodeName: 'n3' });
    const before = await f.conn.getPod(f.ns, 'r3');
    expect(() =>
      eventuallyPod(f.conn, f.ns, 'r3').toBeRescheduled({ from: 'n1', baseline: before }),
    ).to.throw(
      "toBeRescheduled: the baseline pod is on n3, not on n1; pass the node it is leaving as 'from'",
    );
  });
  it('fails at once, saying where the pod is, when it was never on from and no baseline was given', async () => {
    await createPod(f, 'r4', { nodeName: 'n2' });
    const message = await failureOf(
      eventuallyPod(f.conn, f.ns, 'r4', { timeout: '60s' }).toBeRescheduled({ from: 'n1' }),
    );
    expect(gist(message)).to.match(
      /^Gave up after T of 1m: expected pod m-resched\/r4 to be rescheduled off n1, and that can no longer happen\.\n {2}last seen: the pod was not on n1 when the wait began: it was on n2 \(uid \w{8}, Pending\), so nothing shows it left n1; read the pod before the action and pass it as baseline, or name the node it is leaving as from$/,
    );
  });

  it('keeps a wrong premise a failure under .not: a pod never on from is no proof it stayed', async () => {
    await createPod(f, 'r5', { nodeName: 'n2' });
    const message = await failureOf(
      eventuallyPod(f.conn, f.ns, 'r5', { timeout: '60s' }).not.toBeRescheduled({ from: 'n1' }),
    );
    expect(gist(message)).to.match(
      /^Gave up after T of 1m: expected pod m-resched\/r5 not to be rescheduled off n1, and that can no longer happen\.\n {2}last seen: the pod was not on n1 when the wait began: it was on n2 /,
    );
  });
});
