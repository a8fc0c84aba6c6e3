import * as chai from 'chai';
import chaiAsPromised from 'chai-as-promised';
import { type Connection, connect } from '../client/index.ts';
import { type Cluster, startCluster } from '../sim/index.ts';
import { consistentlyCluster, eventuallyCluster } from './eventually-cluster.ts';
import { CNPG_GROUP, CNPG_PLURAL, CNPG_VERSION } from './types.ts';

chai.use(chaiAsPromised);
const { expect } = chai;

// No operator runs here: the test writes the status the operator would write.
describe('eventuallyCluster', () => {
  let sim: Cluster;
  let conn: Connection;
  const namespace = 'pg';
  let serial = 0;

  const ref = { group: CNPG_GROUP, version: CNPG_VERSION, plural: CNPG_PLURAL, namespace };
  async function createCluster(instances: number, status: Record<string, unknown>): Promise<string> {
    const name = `db${++serial}`;
    await conn.custom.createNamespacedCustomObject({
      ...ref,
      body: { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name }, spec: { instances } },
    });
    await setStatus(name, status);
    return name;
  }
  function setStatus(name: string, status: Record<string, unknown>) {
    return conn.custom.patchNamespacedCustomObjectStatus({
      ...ref,
      name,
      body: [{ op: 'add', path: '/status', value: status }],
    });
  }
  const later = (ms: number, fn: () => Promise<unknown>) => setTimeout(() => void fn(), ms);

  before(async () => {
    sim = await startCluster({ seed: 9 });
    conn = await connect({ kubeconfig: sim.kubeconfig });
    await conn.core.createNamespace({ body: { metadata: { name: namespace } } });
  });
  after(async () => {
    conn.close();
    await sim.stop();
  });

  const healthy = {
    phase: 'Cluster in healthy state',
    readyInstances: 3,
    currentPrimary: 'x-1',
    targetPrimary: 'x-1',
  };

  describe('toBeReady', () => {
    it('passes when the phase is healthy and every instance is Ready', async () => {
      const name = await createCluster(3, { phase: 'Setting up primary', readyInstances: 0 });
      later(100, () => setStatus(name, healthy));
      const cluster = await eventuallyCluster(conn, namespace, name, { timeout: '30s' }).toBeReady();
      expect(cluster.status?.readyInstances).to.equal(3);
    });

    it('fails with the phase, its reason and the ready count', async () => {
      const name = await createCluster(3, {
        phase: 'Waiting for the instances to become active',
        phaseReason: 'Some instances are not yet active. Please wait.',
        readyInstances: 2,
        currentPrimary: 'db-1',
        targetPrimary: 'db-1',
      });
      const err = await eventuallyCluster(conn, namespace, name, { timeout: '1s', events: 0 })
        .toBeReady()
        .then(
          () => undefined,
          (e: unknown) => e as Error,
        );
      expect(
        err?.message
          .replace(/after [\d.]+m?s/, 'after Nms')
          .split('\n')
          .slice(0, 3),
      ).to.deep.equal([
        `Timed out after Nms of 1s: expected cluster pg/${name} to be ready (phase "Cluster in healthy state" and every instance Ready).`,
        '  last seen: phase "Waiting for the instances to become active" (Some instances are not yet active. Please wait.), 2/3 instances ready, primary db-1',
        '  state: phase "Waiting for the instances to become active" (Some instances are not yet active. Please wait.), 2/3 instances ready, primary db-1',
      ]);
    });
  });

  describe('toHavePrimary', () => {
    it('resolves to the primary once current and target agree', async () => {
      const name = await createCluster(3, {
        ...healthy,
        targetPrimary: 'x-2',
        phase: 'Switchover in progress',
      });
      later(100, () => setStatus(name, { ...healthy, currentPrimary: 'x-2', targetPrimary: 'x-2' }));
      expect(
        await eventuallyCluster(conn, namespace, name, { timeout: '30s' }).toHavePrimary('x-2'),
      ).to.equal('x-2');
    });

    it('fails while a switchover is in progress, saying so', async () => {
      const name = await createCluster(3, {
        ...healthy,
        targetPrimary: 'x-2',
        phase: 'Switchover in progress',
      });
      await expect(
        eventuallyCluster(conn, namespace, name, { timeout: '1s', events: 0 }).toHavePrimary(),
      ).to.be.rejectedWith(
        /last seen: phase "Switchover in progress", 3\/3 instances ready, primary x-1, target x-2 \(the change is in progress\)/,
      );
    });
  });

  describe('toHavePrimaryOtherThan', () => {
    it('waits through the failover marker and resolves to the new primary', async () => {
      const name = await createCluster(3, healthy);
      later(50, () => setStatus(name, { ...healthy, phase: 'Failing over', targetPrimary: 'pending' }));
      later(150, () => setStatus(name, { ...healthy, phase: 'Failing over', targetPrimary: 'x-3' }));
      later(250, () => setStatus(name, { ...healthy, currentPrimary: 'x-3', targetPrimary: 'x-3' }));
      expect(
        await eventuallyCluster(conn, namespace, name, { timeout: '30s' }).toHavePrimaryOtherThan('x-1'),
      ).to.equal('x-3');
    });

    it('fails while the former primary is still current', async () => {
      const name = await createCluster(3, healthy);
      await expect(
        eventuallyCluster(conn, namespace, name, { timeout: '1s', events: 0 }).toHavePrimaryOtherThan('x-1'),
      ).to.be.rejectedWith(
        `expected cluster pg/${name} to have a primary other than x-1.\n  last seen: phase "Cluster in healthy state", 3/3 instances ready, primary x-1`,
      );
    });
  });

  describe('toHaveReadyInstances', () => {
    it('passes on the exact count', async () => {
      const name = await createCluster(3, { ...healthy, readyInstances: 2 });
      await eventuallyCluster(conn, namespace, name, { timeout: '30s' }).toHaveReadyInstances(2);
    });

    it('refuses a count that is not a non-negative integer at the call', () => {
      expect(() => eventuallyCluster(conn, namespace, 'any').toHaveReadyInstances(-1)).to.throw(
        'toHaveReadyInstances: expected a non-negative integer, got -1',
      );
    });
  });

  describe('toBeInPhase', () => {
    it('passes on the exact phase string', async () => {
      const name = await createCluster(1, { phase: 'Setting up primary' });
      await eventuallyCluster(conn, namespace, name, { timeout: '30s' }).toBeInPhase('Setting up primary');
    });

    it('fails when the cluster does not exist, saying so', async () => {
      await expect(
        eventuallyCluster(conn, namespace, 'missing', { timeout: '1s', events: 0 }).toBeInPhase(
          'Setting up primary',
        ),
      ).to.be.rejectedWith(
        /expected cluster pg\/missing to be in phase "Setting up primary"\.\n {2}last seen: the cluster does not exist/,
      );
    });
  });

  describe('consistentlyCluster', () => {
    it('fails at the first state that breaks the expectation', async () => {
      const name = await createCluster(3, healthy);
      later(100, () => setStatus(name, { ...healthy, phase: 'Failing over', targetPrimary: 'pending' }));
      await expect(
        consistentlyCluster(conn, namespace, name, { for: '2s', events: 0 }).toHavePrimary('x-1'),
      ).to.be.rejectedWith(
        /to have primary x-1 throughout, but it was not\.\n {2}violation: phase "Failing over"/,
      );
    });
  });

  it('stops at once when its connection is closed, like a pod wait (clusterIsReady is 10 minutes)', async () => {
    const name = await createCluster(3, { ...healthy, phase: 'Setting up primary', readyInstances: 0 });
    const own = await connect({ kubeconfig: sim.kubeconfig });
    const waiting = eventuallyCluster(own, namespace, name, { timeout: 'clusterIsReady' }).toBeReady();
    await waiting.observing;
    const started = Date.now();
    own.close();
    await expect(waiting).to.be.rejectedWith(
      new RegExp(
        `^Stopped after \\S+ of 10m \\(clusterIsReady\\) \\(the connection was closed\\): expected cluster pg/${name} to be ready \\(phase "Cluster in healthy state"`,
      ),
    );
    expect(Date.now() - started).to.be.below(5000);
  });

  it('inherits everything a builder has: .not, toExist, toHaveCondition', async () => {
    const name = await createCluster(1, healthy);
    await eventuallyCluster(conn, namespace, name, { timeout: '10s' }).toExist();
    await eventuallyCluster(conn, namespace, name, { timeout: '10s' }).not.toBeInPhase('Failing over');
  });

  it('refuses a namespace that is not a string at the call', () => {
    expect(() => eventuallyCluster(conn, '', 'db')).to.throw(
      'eventuallyCluster: the namespace must be a non-empty string',
    );
  });
});
