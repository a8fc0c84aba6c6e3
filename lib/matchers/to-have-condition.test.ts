import { expect } from 'chai';
import { resourceKind } from '../observe/index.ts';
import { consistently, eventually, eventuallyNode, eventuallyPod, objectRef } from './index.ts';
import { createNode, createPod, failureOf, gist, setPodStatus, useSim } from './testing/sim-fixture.ts';
import {
  createWidget,
  createWidgetCrd,
  setWidgetSpec,
  setWidgetStatus,
  WIDGET,
} from './testing/workload-fixture.ts';

const widgets = resourceKind(`${WIDGET.group}/${WIDGET.version}`, WIDGET.kind, WIDGET.plural);
const ready = (observedGeneration: number, status = 'True') => ({
  conditions: [
    {
      type: 'Ready',
      status,
      reason: status === 'True' ? 'Reconciled' : 'Reconciling',
      message: 'all replicas serve traffic',
      observedGeneration,
      lastTransitionTime: new Date().toISOString(),
    },
  ],
});

describe('toHaveCondition', () => {
  const f = useSim('m-cond');

  it('passes when the condition has the expected status and reason', async () => {
    await createPod(f, 'c1');
    const waiting = eventuallyPod(f.conn, f.ns, 'c1', { timeout: '30s' }).toHaveCondition('PodScheduled', {
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
      eventuallyPod(f.conn, f.ns, 'c2', { timeout: '1s' }).toHaveCondition('PodScheduled'),
    );
    expect(gist(message)).to.equal(
      'Timed out after T of 1s: expected pod m-cond/c2 to have condition PodScheduled=True.\n  last seen: PodScheduled=False (reason Unschedulable: 0/1 nodes are available)',
    );
  });

  it('works on any kind, and says when the condition is missing', async () => {
    await createNode(f, 'cond-node');
    const message = await failureOf(
      eventuallyNode(f.conn, 'cond-node', { timeout: '1s' }).toHaveCondition('Ready'),
    );
    expect(gist(message)).to.equal(
      'Timed out after T of 1s: expected node cond-node to have condition Ready=True.\n  last seen: it has no Ready condition',
    );
  });

  describe('on a custom resource, for the current generation', () => {
    before(() => createWidgetCrd(f));

    it('waits past a Ready=True written for the previous generation', async () => {
      await createWidget(f, 'w1', { size: 1 });
      await setWidgetStatus(f, 'w1', ready(1));
      const changed = await setWidgetSpec(f, 'w1', { size: 2 });
      expect(changed.metadata?.generation).to.equal(2);
      const waiting = eventually(f.conn, objectRef(widgets, f.ns, 'w1'), { timeout: '30s' }).toHaveCondition(
        'Ready',
        {
          observedGeneration: 'current',
        },
      );
      let settled = false;
      void waiting.then(
        () => {
          settled = true;
        },
        () => {},
      );
      await new Promise((r) => setTimeout(r, 300));
      expect(settled, 'passed on the stale condition').to.equal(false);
      await setWidgetStatus(f, 'w1', ready(2));
      const widget = await waiting;
      expect(widget.metadata?.generation).to.equal(2);
    });

    it('fails saying which generation the condition speaks for', async () => {
      await createWidget(f, 'w2', { size: 1 });
      await setWidgetSpec(f, 'w2', { size: 3 });
      await setWidgetStatus(f, 'w2', ready(1));
      const message = await failureOf(
        eventually(f.conn, objectRef(widgets, f.ns, 'w2'), { timeout: '1s' }).toHaveCondition('Ready', {
          reason: 'Reconciled',
          observedGeneration: 'current',
        }),
      );
      expect(gist(message)).to.equal(
        'Timed out after T of 1s: expected widget m-cond/w2 to have condition Ready=True (reason Reconciled) for the current generation.\n' +
          '  last seen: Ready=True (reason Reconciled: all replicas serve traffic), but observed for generation 1, not 2',
      );
    });

    it('matches reason and message patterns', async () => {
      await createWidget(f, 'w3', { size: 1 });
      await setWidgetStatus(f, 'w3', ready(1, 'False'));
      await eventually(f.conn, objectRef(widgets, f.ns, 'w3'), { timeout: '2s' }).toHaveCondition('Ready', {
        status: 'False',
        reason: /^Reconcil/,
        message: /replicas/,
        observedGeneration: 1,
      });
    });

    it('with consistently and .not, catches a condition that went False for a moment ("never passed through")', async () => {
      await createWidget(f, 'w4', { size: 1 });
      await setWidgetStatus(f, 'w4', ready(1));
      const holding = consistently(f.conn, objectRef(widgets, f.ns, 'w4'), { for: '3s' }).not.toHaveCondition(
        'Ready',
        { status: 'False' },
      );
      await new Promise((r) => setTimeout(r, 200));
      await setWidgetStatus(f, 'w4', ready(1, 'False'));
      await setWidgetStatus(f, 'w4', ready(1));
      const message = await failureOf(holding);
      expect(gist(message)).to.equal(
        'Failed after T of 3s: expected widget m-cond/w4 not to have condition Ready=False throughout, but it was not.\n' +
          '  violation: Ready=False (reason Reconciling: all replicas serve traffic)',
      );
    });

    it('rejects unknown options and bad generations at the call', () => {
      const ref = objectRef(widgets, f.ns, 'w9');
      expect(() => eventually(f.conn, ref).toHaveCondition('Ready', { generation: 2 } as never)).to.throw(
        TypeError,
        "toHaveCondition: unknown option 'generation'; known: status, reason, message, observedGeneration",
      );
      expect(() =>
        eventually(f.conn, ref).toHaveCondition('Ready', { observedGeneration: 'latest' as never }),
      ).to.throw(
        TypeError,
        "toHaveCondition: observedGeneration must be 'current' or a non-negative integer",
      );
    });
  });
});
