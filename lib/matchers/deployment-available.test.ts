import { expect } from 'chai';
import { eventuallyDeployment } from './index.ts';
import { failureOf, gist, useSim } from './testing/sim-fixture.ts';
import { createDeployment, setDeploymentStatus, useWorkloadCluster } from './testing/workload-fixture.ts';

const available = (status: string, reason: string, message: string) => ({
  type: 'Available',
  status,
  reason,
  message,
});

describe('eventuallyDeployment().toBeAvailable', () => {
  describe('on status written as the controller would', () => {
    const f = useSim('m-deploy-avail');

    it('passes on Available=True for the current generation, mid-rollout too', async () => {
      await createDeployment(f, 'a1', 4);
      const waiting = eventuallyDeployment(f.conn, f.ns, 'a1', { timeout: '30s' }).toBeAvailable();
      await setDeploymentStatus(f, 'a1', {
        replicas: 4,
        updatedReplicas: 2,
        availableReplicas: 3,
        conditions: [available('True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.')],
      });
      const d = await waiting;
      expect(d.status?.availableReplicas).to.equal(3);
    });

    it('fails with the controller’s message and the counts', async () => {
      await createDeployment(f, 'a2', 3);
      await setDeploymentStatus(f, 'a2', {
        replicas: 3,
        updatedReplicas: 3,
        availableReplicas: 1,
        conditions: [
          available('False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.'),
        ],
      });
      const message = await failureOf(
        eventuallyDeployment(f.conn, f.ns, 'a2', { timeout: '1s' }).toBeAvailable(),
      );
      expect(gist(message)).to.equal(
        'Timed out after T of 1s: expected deployment m-deploy-avail/a2 to be available.\n' +
          '  last seen: Available is not True (Deployment does not have minimum availability.): 3 desired, 3 updated, 3 total, 1 available, generation 1 observed 1, Available=False (MinimumReplicasUnavailable)',
      );
    });

    it('says when the deployment does not exist', async () => {
      const message = await failureOf(
        eventuallyDeployment(f.conn, f.ns, 'nope', { timeout: '1s' }).toBeAvailable(),
      );
      expect(gist(message)).to.equal(
        'Timed out after T of 1s: expected deployment m-deploy-avail/nope to be available.\n  last seen: the deployment does not exist',
      );
    });
  });

  describe('with the simulator’s Deployment controller', () => {
    const f = useWorkloadCluster('m-deploy-avail-real');

    it('passes once the controller reports minimum availability', async () => {
      await createDeployment(f, 'api', 2);
      const d = await eventuallyDeployment(f.conn, f.ns, 'api', { timeout: '60s' }).toBeAvailable();
      expect(d.status?.conditions?.find((c) => c.type === 'Available')?.status).to.equal('True');
    });
  });
});
