import { expect } from 'chai';
import { eventuallyStatefulSet } from './index.ts';
import { failureOf, gist, useSim } from './testing/sim-fixture.ts';
import { createStatefulSet, setStatefulSetStatus, useWorkloadCluster } from './testing/workload-fixture.ts';

describe('eventuallyStatefulSet().toBeReady', () => {
  describe('on status written as the controller would', () => {
    const f = useSim('m-sts-ready');

    it('passes when every desired pod is Ready, whatever its revision (OnDelete mid-update)', async () => {
      await createStatefulSet(f, 'r1', { updateStrategy: { type: 'OnDelete' } });
      const waiting = eventuallyStatefulSet(f.conn, f.ns, 'r1', { timeout: '30s' }).toBeReady();
      await setStatefulSetStatus(f, 'r1', {
        replicas: 3,
        readyReplicas: 2,
        currentRevision: 'r1-a',
        updateRevision: 'r1-b',
      });
      await setStatefulSetStatus(f, 'r1', {
        replicas: 3,
        readyReplicas: 3,
        updatedReplicas: 1,
        currentRevision: 'r1-a',
        updateRevision: 'r1-b',
      });
      const s = await waiting;
      expect(s.status?.readyReplicas).to.equal(3);
    });

    it('fails with the counts while scaling down', async () => {
      await createStatefulSet(f, 'r2', { replicas: 2 });
      await setStatefulSetStatus(f, 'r2', {
        replicas: 3,
        readyReplicas: 3,
        updatedReplicas: 3,
        currentRevision: 'r2-a',
        updateRevision: 'r2-a',
      });
      const message = await failureOf(
        eventuallyStatefulSet(f.conn, f.ns, 'r2', { timeout: '1s' }).toBeReady(),
      );
      expect(gist(message)).to.equal(
        'Timed out after T of 1s: expected statefulset m-sts-ready/r2 to be Ready.\n' +
          '  last seen: 1 extra pod pending termination: 2 desired, 3 ready, 3 updated, generation 1 observed 1, revision r2-a',
      );
    });

    it('fails while the controller has not observed the StatefulSet', async () => {
      await createStatefulSet(f, 'r3', { replicas: 1 });
      const message = await failureOf(
        eventuallyStatefulSet(f.conn, f.ns, 'r3', { timeout: '1s' }).toBeReady(),
      );
      expect(gist(message)).to.equal(
        'Timed out after T of 1s: expected statefulset m-sts-ready/r3 to be Ready.\n' +
          '  last seen: the spec update is not observed yet: 1 desired, 0 ready, 0 updated, generation 1 observed 0, revision -',
      );
    });
  });

  describe('with the simulator’s StatefulSet controller', () => {
    const f = useWorkloadCluster('m-sts-ready-real');

    it('passes once the ordered pods are all Ready', async () => {
      await createStatefulSet(f, 'pg', { replicas: 3 });
      const s = await eventuallyStatefulSet(f.conn, f.ns, 'pg', { timeout: '60s' }).toBeReady();
      expect(s.status?.readyReplicas).to.equal(3);
      const pods = await f.conn.core.listNamespacedPod({ namespace: f.ns, labelSelector: 'app=pg' });
      expect(pods.items.map((p) => p.metadata?.name).sort()).to.deep.equal(['pg-0', 'pg-1', 'pg-2']);
    });
  });
});
