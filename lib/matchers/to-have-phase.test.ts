import { expect } from 'chai';
import { eventuallyPod } from './index.ts';
import { createPod, failureOf, gist, setPodStatus, useSim } from './testing/sim-fixture.ts';

describe('toHavePhase', () => {
  const f = useSim('m-phase');

  it('passes when status.phase matches', async () => {
    await createPod(f, 'ph1', { nodeName: 'w1' });
    const waiting = eventuallyPod(f.conn, f.ns, 'ph1', { timeout: '30s' }).toHavePhase('Succeeded');
    await setPodStatus(f, 'ph1', { phase: 'Succeeded' });
    await waiting;
  });

  it('fails with the phase it saw', async () => {
    await createPod(f, 'ph2');
    const message = await failureOf(
      eventuallyPod(f.conn, f.ns, 'ph2', { timeout: '1s' }).toHavePhase('Failed'),
    );
    expect(gist(message)).to.equal(
      'Timed out after T of 1s: expected pod m-phase/ph2 to have phase Failed.\n  last seen: phase is Pending',
    );
  });

  it('rejects an empty phase at once', () => {
    expect(() => eventuallyPod(f.conn, f.ns, 'x').toHavePhase('')).to.throw(
      'toHavePhase: expected a phase such as "Running"',
    );
  });
});
