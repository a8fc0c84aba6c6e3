import { expect } from 'chai';
import { eventuallyNode, eventuallyPod } from './index.ts';
import { createNode, createPod, failureOf, gist, setPodStatus, useSim } from './testing/sim-fixture.ts';

describe('toHaveCondition', () => {
  const f = useSim('m-cond');

  it('passes when the condition has the expected status and reason', async () => {
    await createPod(f, 'c1');
    const waiting = eventuallyPod(f.conn, f.ns, 'c1', { timeout: '2s' }).toHaveCondition('PodScheduled', {
      status: 'False',
      reason: 'Unschedulable',
    });
    await setPodStatus(f, 'c1', { unschedulable: 'no nodes' });
    await waiting;
  });

  it('fails naming the condition it saw, with reason and message', async () => {
    await createPod(f, 'c2');
    await setPodStatus(f, 'c2', { unschedulable: '0/1 nodes are available' });
    const message = await failureOf(
      eventuallyPod(f.conn, f.ns, 'c2', { timeout: '200ms' }).toHaveCondition('PodScheduled'),
    );
    expect(gist(message)).to.equal(
      'Timed out after T of 200ms: expected pod m-cond/c2 to have condition PodScheduled=True.\n  last seen: PodScheduled=False (reason Unschedulable: 0/1 nodes are available)',
    );
  });

  it('works on any kind, and says when the condition is missing', async () => {
    await createNode(f, 'cond-node');
    const message = await failureOf(
      eventuallyNode(f.conn, 'cond-node', { timeout: '200ms' }).toHaveCondition('Ready'),
    );
    expect(gist(message)).to.equal(
      'Timed out after T of 200ms: expected node cond-node to have condition Ready=True.\n  last seen: it has no Ready condition',
    );
  });
});
