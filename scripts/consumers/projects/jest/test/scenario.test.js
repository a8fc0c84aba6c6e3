// A fresh Jest project (ESM mode): the runner matchers on Jest's expect, with .not.
import { connect, createTestNamespace, drainNode, fixturePath, uncordon } from 'kubexpect';
import { createClusterFromFixture, primaryPod } from 'kubexpect/cnpg';
import { cluster, pod } from 'kubexpect/jest';

let conn;
let ns;

beforeAll(async () => {
  conn = await connect(); // KUBECONFIG, from jest.global-setup.js
  ns = (await createTestNamespace(conn, { prefix: 'consumer' })).name;
});
afterAll(() => conn?.close());

test('the primary becomes Ready, then goes Pending when its node is drained', async () => {
  const { metadata } = await createClusterFromFixture(
    conn,
    ns,
    fixturePath('cnpg/cluster-single-instance-pdb-disabled.yaml'),
    { timeout: '60s' },
  );
  const primary = await primaryPod(conn, ns, metadata.name);
  const name = primary.metadata.name;
  const from = primary.spec.nodeName;
  await expect(pod(conn, ns, name)).toEventuallyBeReady({ timeout: '60s' });

  await drainNode(conn, from, { deleteEmptyDirData: true, force: true });
  await expect(pod(conn, ns, name)).toEventuallyBeRescheduledOrPending({
    from,
    baseline: primary,
    timeout: '60s',
  });
  await expect(pod(conn, ns, name)).toEventuallyBePending({ timeout: '10s' });
  await expect(pod(conn, ns, name)).not.toConsistentlyBeOnNode(from, { for: '1s' });

  await uncordon(conn, from);
  await expect(cluster(conn, ns, metadata.name)).toEventuallyBeReady({ timeout: '60s' });
  await expect(cluster(conn, ns, metadata.name)).toEventuallyHaveReadyInstances(1);
});
