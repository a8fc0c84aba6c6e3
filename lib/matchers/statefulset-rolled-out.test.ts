import { expect } from 'chai';
import { eventuallyStatefulSet } from './index.ts';
import { failureOf, gist, useSim } from './testing/sim-fixture.ts';
import { createStatefulSet, setStatefulSetStatus, useWorkloadCluster } from './testing/workload-fixture.ts';

describe('eventuallyStatefulSet().toBeRolledOut', () => {
  describe('on status written as the controller would', () => {
    const f = useSim('m-sts-rollout');

    it('with a partition, passes once replicas - partition pods are updated and all are Ready', async () => {
      await createStatefulSet(f, 's1', {
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } },
      });
      const waiting = eventuallyStatefulSet(f.conn, f.ns, 's1', { timeout: '30s' }).toBeRolledOut();
      await setStatefulSetStatus(f, 's1', {
        replicas: 3,
        readyReplicas: 3,
        updatedReplicas: 1,
        currentRevision: 's1-a',
        updateRevision: 's1-b',
      });
      await setStatefulSetStatus(f, 's1', {
        replicas: 3,
        readyReplicas: 3,
        updatedReplicas: 2,
        currentRevision: 's1-a',
        updateRevision: 's1-b',
      });
      const s = await waiting;
      expect(s.status?.updatedReplicas).to.equal(2);
    });

    it('fails with what kubectl waits for: the partitioned rollout', async () => {
      await createStatefulSet(f, 's2', {
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      });
      await setStatefulSetStatus(f, 's2', {
        replicas: 3,
        readyReplicas: 3,
        updatedReplicas: 1,
        currentRevision: 's2-a',
        updateRevision: 's2-b',
      });
      const message = await failureOf(
        eventuallyStatefulSet(f.conn, f.ns, 's2', { timeout: '1s' }).toBeRolledOut(),
      );
      expect(gist(message)).to.equal(
        'Timed out after T of 1s: expected statefulset m-sts-rollout/s2 to be rolled out.\n' +
          '  last seen: 1 of 3 new pods updated (partition 0): 3 desired, 3 ready, 1 updated, generation 1 observed 1, revision s2-a (update s2-b)',
      );
    });

    it('fails with what kubectl waits for: pods not Ready', async () => {
      await createStatefulSet(f, 's3');
      await setStatefulSetStatus(f, 's3', {
        replicas: 3,
        readyReplicas: 1,
        updatedReplicas: 3,
        currentRevision: 's3-a',
        updateRevision: 's3-a',
      });
      const message = await failureOf(
        eventuallyStatefulSet(f.conn, f.ns, 's3', { timeout: '1s' }).toBeRolledOut(),
      );
      expect(gist(message)).to.equal(
        'Timed out after T of 1s: expected statefulset m-sts-rollout/s3 to be rolled out.\n' +
          '  last seen: 2 pods not ready: 3 desired, 1 ready, 3 updated, generation 1 observed 1, revision s3-a',
      );
    });

    it('fails at once for an OnDelete StatefulSet, which has no rollout to wait for', async () => {
      await createStatefulSet(f, 's4', { updateStrategy: { type: 'OnDelete' } });
      const message = await failureOf(
        eventuallyStatefulSet(f.conn, f.ns, 's4', { timeout: '1m' }).toBeRolledOut(),
      );
      expect(gist(message)).to.equal(
        'Gave up after T of 1m: expected statefulset m-sts-rollout/s4 to be rolled out, and that can no longer happen.\n' +
          '  last seen: its update strategy is OnDelete: rollout status exists only for RollingUpdate (wait with toBeReady)',
      );
    });
  });

  describe('with the simulator’s StatefulSet controller', () => {
    const f = useWorkloadCluster('m-sts-rollout-real');

    it('passes after a create and after an image update', async () => {
      await createStatefulSet(f, 'db', { replicas: 2 });
      await eventuallyStatefulSet(f.conn, f.ns, 'db', { timeout: '60s' }).toBeRolledOut();
      const s = await f.conn.apps.readNamespacedStatefulSet({ namespace: f.ns, name: 'db' });
      s.spec!.template.spec!.containers[0]!.image = 'busybox:1.37';
      await f.conn.apps.replaceNamespacedStatefulSet({ namespace: f.ns, name: 'db', body: s });
      const done = await eventuallyStatefulSet(f.conn, f.ns, 'db', { timeout: '60s' }).toBeRolledOut();
      expect(done.status?.updatedReplicas).to.equal(2);
      expect(done.status?.readyReplicas).to.equal(2);
    });
  });
});
