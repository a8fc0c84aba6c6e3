import { AssertionError } from 'chai';
import { expect } from 'chai';
import { failureMessage, KubeAssertionError } from './index.ts';

describe('failure messages', () => {
  const report = {
    kind: 'timeout' as const,
    subject: 'pod db/cluster-1',
    expectation: 'to be Ready',
    mode: 'eventually' as const,
    elapsedMs: 90_250,
    budgetLabel: '1m30s',
    reason: 'Ready=False, Running on kind-worker, uid 1a2b3c4d',
    lastState: 'Running, on kind-worker, uid 1a2b3c4d, Ready=False',
    trajectory:
      '      +0.000s  LISTED    list    uid 1a2b3c4d  rv 10  Running  node=kind-worker  Ready=False',
    lastError: 'watch pods in db: 503: Service Unavailable (at +12.000s)',
    events: ['Warning Unhealthy (x3): Readiness probe failed'],
  };

  it('reads top to bottom: what, how long, last seen, state, trajectory, error, events', () => {
    expect(failureMessage(report)).to.equal(
      [
        'Timed out after 1m30s of 1m30s: expected pod db/cluster-1 to be Ready.',
        '  last seen: Ready=False, Running on kind-worker, uid 1a2b3c4d',
        '  state: Running, on kind-worker, uid 1a2b3c4d, Ready=False',
        '  trajectory (time since the wait began):',
        '      +0.000s  LISTED    list    uid 1a2b3c4d  rv 10  Running  node=kind-worker  Ready=False',
        '  last API error: watch pods in db: 503: Service Unavailable (at +12.000s)',
        '  latest events:',
        '    Warning Unhealthy (x3): Readiness probe failed',
      ].join('\n'),
    );
  });

  it('is a chai AssertionError carrying the report', () => {
    const err = new KubeAssertionError(report);
    expect(err).to.be.instanceOf(AssertionError);
    expect(err.name).to.equal('AssertionError');
    expect(err.report.subject).to.equal('pod db/cluster-1');
  });
});
