// A fresh TypeScript project with mocha, compiled by a strict tsc (skipLibCheck off) and run as JS.
import { expect } from 'chai';
import {
  connect,
  type Connection,
  createTestNamespace,
  drainNode,
  eventuallyPod,
  fixturePath,
  type RescheduleOutcome,
  uncordon,
} from 'kubexpect';
import { createClusterFromFixture, eventuallyCluster, primaryPod } from 'kubexpect/cnpg';
import { type Cluster, startCluster } from 'kubexpect/sim';

describe('kubexpect installed from the tarball (TypeScript, mocha)', function () {
  this.timeout(180_000);
  let cluster: Cluster | undefined;
  let conn: Connection | undefined;

  before(async () => {
    cluster = await startCluster({ preset: 'cloud', timeScale: 0.05, seed: 11 });
    conn = await connect({ kubeconfig: cluster.kubeconfig });
  });
  after(async () => {
    conn?.close();
    await cluster?.stop();
  });

  it('sees the primary come back on another node once its node is drained (storage that follows the pod)', async () => {
    const c = conn!;
    const ns = (await createTestNamespace(c, { prefix: 'consumer' })).name;
    const created = await createClusterFromFixture(
      c,
      ns,
      fixturePath('cnpg/cluster-single-instance-pdb-disabled.yaml'),
      { timeout: '60s' },
    );
    const clusterName = created.metadata?.name ?? '';
    const primary = await primaryPod(c, ns, clusterName);
    const name = primary.metadata?.name ?? '';
    const node = primary.spec?.nodeName ?? '';
    await eventuallyPod(c, ns, name, { timeout: '60s' }).toBeReady();

    await drainNode(c, node, { deleteEmptyDirData: true, force: true });
    const outcome: RescheduleOutcome = await eventuallyPod(c, ns, name, {
      timeout: '60s',
    }).toBeRescheduledOrPending({
      from: node,
      baseline: primary,
    });
    expect(outcome.kind).to.equal('rescheduled');
    if (outcome.kind === 'rescheduled') expect(outcome.to).not.to.equal(node);

    await uncordon(c, node);
    await eventuallyCluster(c, ns, clusterName, { timeout: '60s' }).toBeReady();

    const error: unknown = await eventuallyPod(c, ns, name, { timeout: '2s' })
      .toBeOnNode('no-such-node')
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    expect(error).to.be.instanceOf(Error);
    expect((error as Error).message).to.match(
      new RegExp(`^Timed out after [^:]+: expected pod ${ns}/${name} to be on node no-such-node\\.`),
    );
  });

  it('rejects a duration it cannot read, at compile time', () => {
    const c = conn!;
    // @ts-expect-error: durations are '90s', '2m', '1m30s', '500ms', '1h' or milliseconds.
    expect(() => eventuallyPod(c, 'default', 'x', { timeout: '5 minutes' })).to.throw(TypeError);
  });
});
