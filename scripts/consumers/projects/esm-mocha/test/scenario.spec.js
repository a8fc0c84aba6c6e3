// A fresh ESM project with mocha: the embedded cluster, a CloudNativePG cluster from a shipped
// fixture, a drain and its elastic outcome, and a wrong expectation whose message is checked.
import { expect } from 'chai';
import { connect, createTestNamespace, drainNode, eventuallyPod, fixturePath, uncordon } from 'kubexpect';
import { createClusterFromFixture, eventuallyCluster, primaryPod } from 'kubexpect/cnpg';
import { startCluster } from 'kubexpect/sim';

describe('kubexpect installed from the tarball (ESM, mocha)', function () {
  this.timeout(180_000);
  let cluster;
  let conn;
  let ns;
  let name;

  before(async () => {
    cluster = await startCluster({ preset: 'kind', timeScale: 0.05, seed: 7 });
    conn = await connect({ kubeconfig: cluster.kubeconfig });
    ns = (await createTestNamespace(conn, { prefix: 'consumer' })).name;
  });
  after(async () => {
    conn?.close();
    await cluster?.stop();
  });

  it('sees the primary become Ready, then Pending once its node is drained (node-bound storage)', async () => {
    const { metadata } = await createClusterFromFixture(
      conn,
      ns,
      fixturePath('cnpg/cluster-single-instance-pdb-disabled.yaml'),
      { timeout: '60s' },
    );
    const primary = await primaryPod(conn, ns, metadata.name);
    name = primary.metadata.name;
    const node = primary.spec.nodeName;
    await eventuallyPod(conn, ns, name, { timeout: '60s' }).toBeReady();

    await drainNode(conn, node, { deleteEmptyDirData: true, force: true });
    const outcome = await eventuallyPod(conn, ns, name, { timeout: '60s' }).toBeRescheduledOrPending({
      from: node,
      baseline: primary,
    });
    expect(outcome.kind).to.equal('pending');

    await uncordon(conn, node);
    await eventuallyCluster(conn, ns, metadata.name, { timeout: '60s' }).toBeReady();
  });

  it('explains a wrong expectation: what was expected, for how long, and what was seen', async () => {
    const error = await eventuallyPod(conn, ns, name, { timeout: '2s' })
      .toBeOnNode('no-such-node')
      .then(
        () => undefined,
        (err) => err,
      );
    expect(error?.name).to.equal('AssertionError');
    expect(error.message).to.match(
      new RegExp(`^Timed out after [^:]+: expected pod ${ns}/${name} to be on node no-such-node\\.`),
    );
    expect(error.message).to.include('last seen: ');
  });
});
