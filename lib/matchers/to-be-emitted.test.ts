import { expect } from 'chai';
import { consistentlyEvents, eventuallyEvents, podRef } from './index.ts';
import { createPod, failureOf, gist, type SimFixture, sleep, useSim } from './testing/sim-fixture.ts';
import { useWorkloadCluster } from './testing/workload-fixture.ts';

let serial = 0;
/** Records an event as a controller would (the scheduler, the kubelet). */
async function emit(
  f: SimFixture,
  pod: string,
  reason: string,
  message: string,
  type = 'Warning',
  uid?: string,
) {
  const now = new Date();
  await f.conn.core.createNamespacedEvent({
    namespace: f.ns,
    body: {
      metadata: { name: `${pod}.${++serial}` },
      involvedObject: { kind: 'Pod', name: pod, namespace: f.ns, uid },
      reason,
      message,
      type,
      count: 1,
      firstTimestamp: now,
      lastTimestamp: now,
      source: { component: 'default-scheduler' },
    },
  });
}

describe('eventuallyEvents().toBeEmitted', () => {
  const f = useSim('m-events');

  it('passes on the event about the pod, resolving to the matching events', async () => {
    await createPod(f, 'e1');
    const waiting = eventuallyEvents(
      f.conn,
      f.ns,
      { involvedObject: podRef(f.ns, 'e1'), reason: 'FailedScheduling' },
      { timeout: '30s' },
    ).toBeEmitted();
    await emit(f, 'e1', 'Scheduled', 'Successfully assigned', 'Normal');
    await emit(f, 'e2', 'FailedScheduling', 'another pod');
    await emit(f, 'e1', 'FailedScheduling', '0/3 nodes are available: 3 node(s) were unschedulable.');
    const events = await waiting;
    expect(events.map((e) => [e.involvedObject.name, e.reason])).to.deep.equal([['e1', 'FailedScheduling']]);
  });

  it('fails naming the event it waited for, and shows the object’s other events', async () => {
    await createPod(f, 'e3');
    await emit(f, 'e3', 'Scheduled', 'Successfully assigned m-events/e3 to w1', 'Normal');
    const message = await failureOf(
      eventuallyEvents(
        f.conn,
        f.ns,
        { involvedObject: podRef(f.ns, 'e3'), reason: 'FailedScheduling', type: 'Warning' },
        { timeout: '1s' },
      ).toBeEmitted(),
    );
    expect(gist(message)).to.equal(
      'Timed out after T of 1s: expected events in m-events to include a Warning FailedScheduling event about pod m-events/e3.\n  last seen: no such event',
    );
    expect(message).to.include(
      '  latest events:\n    Normal Scheduled on pod/e3: Successfully assigned m-events/e3 to w1',
    );
  });

  it('checks the message and the time, saying what it saw instead', async () => {
    await emit(f, 'e4', 'FailedScheduling', '0/3 nodes are available: 3 Insufficient memory.');
    await sleep(1100);
    const since = new Date();
    const message = await failureOf(
      eventuallyEvents(
        f.conn,
        f.ns,
        {
          involvedObject: { kind: 'Pod', name: 'e4' },
          reason: 'FailedScheduling',
          message: /unschedulable/,
          since,
        },
        { timeout: '1s' },
      ).toBeEmitted(),
    );
    expect(gist(message)).to.equal(
      `Timed out after T of 1s: expected events in m-events to include a FailedScheduling event about pod m-events/e4 with message matching /unschedulable/ since ${since.toISOString()}.\n` +
        '  last seen: 1 of that reason, none matching (latest: Warning FailedScheduling on pod/e4: 0/3 nodes are available: 3 Insufficient memory.)',
    );
  });

  it('with consistently and .not, fails when such an event appears', async () => {
    const holding = consistentlyEvents(
      f.conn,
      f.ns,
      { involvedObject: { kind: 'Pod', name: 'e5' }, reason: 'BackOff' },
      { for: '3s' },
    ).not.toBeEmitted();
    await sleep(200);
    await emit(f, 'e5', 'BackOff', 'Back-off restarting failed container c');
    const message = await failureOf(holding);
    expect(gist(message)).to.equal(
      'Failed after T of 3s: expected events in m-events not to include a BackOff event about pod m-events/e5 throughout, but it was not.\n' +
        '  violation: 1 emitted, latest: Warning BackOff on pod/e5: Back-off restarting failed container c',
    );
  });

  it('rejects a query that would match every event, or has unknown fields', () => {
    expect(() => eventuallyEvents(f.conn, f.ns, {})).to.throw(
      TypeError,
      'eventuallyEvents: name an involvedObject or a reason',
    );
    expect(() => eventuallyEvents(f.conn, f.ns, { reasons: ['x'] } as never)).to.throw(
      TypeError,
      "eventuallyEvents: unknown query field 'reasons'; known: involvedObject, reason, type, message, since",
    );
  });

  describe('with the simulator’s scheduler', () => {
    const real = useWorkloadCluster('m-events-real');

    it('sees the FailedScheduling event of a pod no node can take, in one line', async () => {
      await real.conn.core.createNamespacedPod({
        namespace: real.ns,
        body: {
          metadata: { name: 'stuck' },
          spec: { nodeSelector: { disk: 'nvme' }, containers: [{ name: 'c', image: 'busybox' }] },
        },
      });
      const [event] = await eventuallyEvents(
        real.conn,
        real.ns,
        { involvedObject: podRef(real.ns, 'stuck'), reason: 'FailedScheduling' },
        { timeout: '60s' },
      ).toBeEmitted();
      expect(event?.type).to.equal('Warning');
      expect(event?.message).to.match(/^0\/\d+ nodes are available: .*node affinity\/selector/);
    });
  });
});
