import { expect } from 'chai';
import { eventuallyDeployment } from './index.ts';
import { failureOf, gist, useSim } from './testing/sim-fixture.ts';
import { createDeployment, setDeploymentStatus, useWorkloadCluster } from './testing/workload-fixture.ts';

const progressing = (reason: string, message = '') => ({
  type: 'Progressing',
  status: reason === 'ProgressDeadlineExceeded' ? 'False' : 'True',
  reason,
  message,
});

describe('eventuallyDeployment().toBeRolledOut', () => {
  describe('on status written as the controller would', () => {
    const f = useSim('m-deploy-rollout');

    it('passes once every replica is updated and available, and no old one is left', async () => {
      await createDeployment(f, 'd1', 3);
      const waiting = eventuallyDeployment(f.conn, f.ns, 'd1', { timeout: '30s' }).toBeRolledOut();
      await setDeploymentStatus(f, 'd1', {
        replicas: 4,
        updatedReplicas: 3,
        availableReplicas: 3,
        conditions: [progressing('ReplicaSetUpdated')],
      });
      await setDeploymentStatus(f, 'd1', {
        replicas: 3,
        updatedReplicas: 3,
        availableReplicas: 3,
        conditions: [progressing('NewReplicaSetAvailable')],
      });
      const d = await waiting;
      expect(d.status?.replicas).to.equal(3);
    });

    it('fails naming what kubectl rollout status would wait for: old replicas', async () => {
      await createDeployment(f, 'd2', 3);
      await setDeploymentStatus(f, 'd2', {
        replicas: 4,
        updatedReplicas: 3,
        availableReplicas: 3,
        conditions: [progressing('ReplicaSetUpdated')],
      });
      const message = await failureOf(
        eventuallyDeployment(f.conn, f.ns, 'd2', { timeout: '1s' }).toBeRolledOut(),
      );
      expect(gist(message)).to.equal(
        'Timed out after T of 1s: expected deployment m-deploy-rollout/d2 to be rolled out.\n' +
          '  last seen: 1 old replica pending termination: 3 desired, 3 updated, 4 total, 3 available, generation 1 observed 1, Progressing=True (ReplicaSetUpdated)',
      );
    });

    it('does not pass on a status written for the previous generation', async () => {
      await createDeployment(f, 'd3', 2);
      await setDeploymentStatus(f, 'd3', { replicas: 2, updatedReplicas: 2, availableReplicas: 2 });
      const d = await f.conn.apps.readNamespacedDeployment({ namespace: f.ns, name: 'd3' });
      d.spec!.template.spec!.containers[0]!.image = 'busybox:1.37';
      await f.conn.apps.replaceNamespacedDeployment({ namespace: f.ns, name: 'd3', body: d });
      const message = await failureOf(
        eventuallyDeployment(f.conn, f.ns, 'd3', { timeout: '1s' }).toBeRolledOut(),
      );
      expect(gist(message)).to.equal(
        'Timed out after T of 1s: expected deployment m-deploy-rollout/d3 to be rolled out.\n' +
          '  last seen: the spec update is not observed yet: 2 desired, 2 updated, 2 total, 2 available, generation 2 observed 1',
      );
    });

    it('fails at once when the progress deadline is exceeded', async () => {
      await createDeployment(f, 'd4', 2);
      const waiting = eventuallyDeployment(f.conn, f.ns, 'd4', { timeout: '1m' }).toBeRolledOut();
      await setDeploymentStatus(f, 'd4', {
        replicas: 3,
        updatedReplicas: 1,
        availableReplicas: 2,
        conditions: [
          progressing('ProgressDeadlineExceeded', 'ReplicaSet "d4-7d9f" has timed out progressing.'),
        ],
      });
      const message = await failureOf(waiting);
      expect(gist(message)).to.equal(
        'Gave up after T of 1m: expected deployment m-deploy-rollout/d4 to be rolled out, and that can no longer happen.\n' +
          '  last seen: it exceeded its progress deadline (ReplicaSet "d4-7d9f" has timed out progressing.): 2 desired, 1 updated, 3 total, 2 available, generation 1 observed 1, Progressing=False (ProgressDeadlineExceeded)',
      );
    });
  });

  describe('with the simulator’s Deployment controller', () => {
    const f = useWorkloadCluster('m-deploy-real');

    it('passes after a create and after an image update, as kubectl rollout status does', async () => {
      await createDeployment(f, 'web', 3);
      const first = await eventuallyDeployment(f.conn, f.ns, 'web', { timeout: '60s' }).toBeRolledOut();
      expect(first.status?.availableReplicas).to.equal(3);
      const d = await f.conn.apps.readNamespacedDeployment({ namespace: f.ns, name: 'web' });
      d.spec!.template.spec!.containers[0]!.image = 'busybox:1.37';
      const updated = await f.conn.apps.replaceNamespacedDeployment({
        namespace: f.ns,
        name: 'web',
        body: d,
      });
      const second = await eventuallyDeployment(f.conn, f.ns, 'web', { timeout: '60s' }).toBeRolledOut();
      expect(second.status?.observedGeneration).to.be.at.least(updated.metadata!.generation!);
      expect(second.status?.updatedReplicas).to.equal(3);
    });

    it('fails at once when the controller reports ProgressDeadlineExceeded', async () => {
      // No node has this label, so the new pods never become available.
      await f.conn.apps.createNamespacedDeployment({
        namespace: f.ns,
        body: {
          metadata: { name: 'stuck' },
          spec: {
            replicas: 1,
            progressDeadlineSeconds: 2,
            selector: { matchLabels: { app: 'stuck' } },
            template: {
              metadata: { labels: { app: 'stuck' } },
              spec: { nodeSelector: { disk: 'nvme' }, containers: [{ name: 'c', image: 'busybox' }] },
            },
          },
        },
      });
      const message = await failureOf(
        eventuallyDeployment(f.conn, f.ns, 'stuck', { timeout: '50s' }).toBeRolledOut(),
      );
      expect(gist(message)).to.match(
        /^Gave up after T of 50s: expected deployment m-deploy-real\/stuck to be rolled out, and that can no longer happen\.\n {2}last seen: it exceeded its progress deadline \(ReplicaSet "stuck-\w+" has timed out progressing\.\): 1 desired, 1 updated, 1 total, 0 available, generation 1 observed 1, Progressing=False \(ProgressDeadlineExceeded\), Available=False \(MinimumReplicasUnavailable\)$/,
      );
    });
  });
});
