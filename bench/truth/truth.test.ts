/**
 * Verdict truth at a small size inside `npm test`: a few seeded drain runs on both storage
 * behaviours, with faults on and negative controls, where kubexpect must give no wrong verdict.
 */
import { expect } from 'chai';
import { renderMarkdown } from '../report.ts';
import { machine } from '../support/machine.ts';
import { ATTACH_BUCKETS, runTruth, TRUTH_FULL } from './harness.ts';
import { groundTruth, type TruthEntry } from './scenario.ts';

const entry = (at: number, uid: string, node?: string, unschedulable = false): TruthEntry => ({
  at,
  type: 'MODIFIED',
  uid,
  node,
  phase: node ? 'Running' : 'Pending',
  unschedulable,
});

describe('verdict truth', () => {
  it('takes the first decisive state of a new instance as the ground truth', () => {
    const moved = [entry(1, 'old', 'a'), entry(2, 'new'), entry(3, 'new', 'b')];
    expect(groundTruth(moved, 'old', 'a', 10)).to.deep.equal({ outcome: 'rescheduled', at: 3 });
    const pending = [entry(1, 'old', 'a'), entry(2, 'new', undefined, true), entry(3, 'new', 'a')];
    expect(groundTruth(pending, 'old', 'a', 10).outcome).to.equal('pending');
    expect(groundTruth([entry(1, 'old', 'a'), entry(2, 'new', 'a')], 'old', 'a', 10).outcome).to.equal(
      'returned',
    );
    expect(groundTruth(moved, 'old', 'a', 2.5).outcome).to.equal('stayed');
  });

  it("judges expect: 'auto' runs by the outcome the storage allows", () => {
    const pendingThenMoved = [entry(1, 'old', 'a'), entry(2, 'new', undefined, true), entry(3, 'new', 'b')];
    expect(groundTruth(pendingThenMoved, 'old', 'a', 10, 'rescheduled').outcome).to.equal('rescheduled');
    expect(groundTruth(pendingThenMoved, 'old', 'a', 10, 'pending').outcome).to.equal('pending');
    const moved = [entry(1, 'old', 'a'), entry(2, 'new', 'b')];
    expect(groundTruth(moved, 'old', 'a', 10, 'pending').outcome).to.equal('disallowed');
  });

  it('finds no wrong kubexpect verdict in a small seeded run with faults and negative controls', async function () {
    // Dozens of seeded drains: a minute when idle, several on a busy machine.
    this.timeout(400_000);
    const report = await runTruth({
      ...TRUTH_FULL,
      seed: 11,
      slots: 4,
      runs: { nodePinned: 5, movablePerBucket: 5 },
      faults: [true],
      negativeShare: 0.5,
      buckets: [ATTACH_BUCKETS[2]!],
      elasticBudgetMs: { plain: 1500, faults: 3000 },
    });
    const totals = report.totals[0]!;
    expect(totals.runs).to.equal(10);
    expect(totals.elastic.runs).to.equal(10);
    expect(totals.naive.correct + totals.naive.falsePasses + totals.naive.falseFailures).to.equal(10);
    const negatives = totals.byKind.stays.elastic.runs + totals.byKind.returns.elastic.runs;
    expect(negatives).to.be.greaterThan(0);
    expect(report.elasticWrong, JSON.stringify(report.elasticWrong, null, 1)).to.deep.equal([]);
    const md = renderMarkdown(
      undefined,
      { command: 'npm run truth', date: 'now', machine: machine(), wallSeconds: 1, report },
      '',
    );
    expect(md).to.include('| on | kubexpect `toBeRescheduledOrPending` | 10 | 10 | 0 | 0 | 0.0% |');
  });
});
