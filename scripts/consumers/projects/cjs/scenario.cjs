// A fresh CommonJS project: require() of the ESM package (Node 20.19+ loads it synchronously).
const assert = require('node:assert/strict');
const {
  connect,
  createTestNamespace,
  drainNode,
  eventuallyPod,
  fixturePath,
  uncordon,
} = require('kubexpect');
const { createClusterFromFixture, primaryPod } = require('kubexpect/cnpg');
const { startCluster } = require('kubexpect/sim');

async function main() {
  const sim = await startCluster({ preset: 'kind', timeScale: 0.05, seed: 7 });
  const conn = await connect({ kubeconfig: sim.kubeconfig });
  try {
    const ns = (await createTestNamespace(conn, { prefix: 'consumer' })).name;
    const { metadata } = await createClusterFromFixture(
      conn,
      ns,
      fixturePath('cnpg/cluster-single-instance-pdb-disabled.yaml'),
      { timeout: '60s' },
    );
    const primary = await primaryPod(conn, ns, metadata.name);
    const name = primary.metadata.name;
    const node = primary.spec.nodeName;
    await eventuallyPod(conn, ns, name, { timeout: '60s' }).toBeReady();

    await drainNode(conn, node, { deleteEmptyDirData: true, force: true });
    const outcome = await eventuallyPod(conn, ns, name, { timeout: '60s' }).toBeRescheduledOrPending({
      from: node,
      baseline: primary,
    });
    assert.equal(outcome.kind, 'pending');
    await uncordon(conn, node);

    await assert.rejects(
      eventuallyPod(conn, ns, name, { timeout: '2s' }).toBeOnNode('no-such-node'),
      (err) => {
        assert.match(
          err.message,
          new RegExp(`^Timed out after [^:]+: expected pod ${ns}/${name} to be on node no-such-node\\.`),
        );
        return true;
      },
    );
    console.log('cjs scenario: ok');
  } finally {
    conn.close();
    await sim.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
