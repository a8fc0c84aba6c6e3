import { expect } from 'chai';
import { anyOf, equals, field, not } from '../expect/index.ts';
import { eventuallyPod } from './index.ts';
import { createPod, failureOf, gist, useSim } from './testing/sim-fixture.ts';

describe('toSatisfy', () => {
  const f = useSim('m-satisfy');

  it('passes for a composed predicate: moved off the node or Pending', async () => {
    await createPod(f, 'sat1', { nodeName: 'w2' });
    await eventuallyPod(f.conn, f.ns, 'sat1', { timeout: '1s' }).toSatisfy(
      anyOf(field('spec.nodeName', not(equals('w1'))), field('status.phase', 'Pending')),
    );
  });

  it('fails explaining every part of the composition', async () => {
    await createPod(f, 'sat2', { nodeName: 'w1' });
    const message = await failureOf(
      eventuallyPod(f.conn, f.ns, 'sat2', { timeout: '1s' }).toSatisfy(
        anyOf(field('spec.nodeName', not(equals('w1'))), field('status.phase', 'Running')),
      ),
    );
    expect(gist(message)).to.equal(
      'Timed out after T of 1s: expected pod m-satisfy/sat2 to satisfy any of (spec.nodeName not (is "w1") | status.phase is "Running").\n' +
        '  last seen: none of: spec.nodeName is "w1"; status.phase is "Pending" (expected "Running")',
    );
  });

  it('accepts a plain function with a description', async () => {
    await createPod(f, 'sat3', { labels: { role: 'primary' } });
    await eventuallyPod(f.conn, f.ns, 'sat3', { timeout: '1s' }).toSatisfy(
      (p) => p.metadata?.labels?.role === 'primary',
      'to be labelled primary',
    );
  });
});
