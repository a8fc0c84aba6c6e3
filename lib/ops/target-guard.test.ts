import { expect, use } from 'chai';
import chaiAsPromised from 'chai-as-promised';
import { type Connection, connect } from '../client/index.ts';
import { type Cluster, startCluster } from '../sim/index.ts';
import { cordon, uncordon, uncordonAll } from './cordon.ts';
import { drainNode } from './drain.ts';
import { labelNode } from './node-labels.ts';
import { taintNode } from './node-taints.ts';
import { createTestNamespace } from './namespaces.ts';
import {
  DisruptionRefusedError,
  guardDisruption,
  TEST_CLUSTER_MARKER,
  targetVerdict,
} from './target-guard.ts';

use(chaiAsPromised);

/** A production-looking cluster: a labelled node, and a pod nobody manages holding emptyDir data. */
async function productionLike(cluster: Cluster): Promise<Connection> {
  const conn = await connect({ kubeconfig: cluster.kubeconfig, retry: { retries: 0 } });
  await conn.core.createNode({
    body: { metadata: { name: 'eu-1a', labels: { environment: 'production' } } },
  });
  await conn.core.createNamespace({ body: { metadata: { name: 'payments' } } });
  await conn.core.createNamespacedPod({
    namespace: 'payments',
    body: {
      metadata: { name: 'ledger-0' },
      spec: {
        nodeName: 'eu-1a',
        containers: [{ name: 'c', image: 'ledger' }],
        volumes: [{ name: 'data', emptyDir: {} }],
      },
    },
  });
  return conn;
}

function withAllowed<T>(value: string | undefined, fn: () => Promise<T>): Promise<T> {
  const saved = process.env.KUBEXPECT_ALLOW_DISRUPTION;
  if (value === undefined) delete process.env.KUBEXPECT_ALLOW_DISRUPTION;
  else process.env.KUBEXPECT_ALLOW_DISRUPTION = value;
  return fn().finally(() => {
    if (saved === undefined) delete process.env.KUBEXPECT_ALLOW_DISRUPTION;
    else process.env.KUBEXPECT_ALLOW_DISRUPTION = saved;
  });
}

describe('the target guard', () => {
  let cluster: Cluster;
  let conn: Connection;
  afterEach(async () => {
    conn?.close();
    await cluster?.stop();
  });

  it('lets disruptive actions run on the embedded cluster, which carries the test-cluster marker', async () => {
    cluster = await startCluster({ seed: 3 });
    conn = await productionLike(cluster);
    const marker = await conn.core.readNamespacedConfigMap(TEST_CLUSTER_MARKER);
    expect(marker.data?.['created-by']).to.match(/kubexpect embedded cluster/);
    const verdict = await withAllowed(undefined, () => targetVerdict(conn));
    expect(verdict).to.deep.include({
      context: 'kubexpect-sim',
      disruptionAllowed: true,
      reason: 'marked as a test cluster (ConfigMap kube-public/kubexpect-test-cluster)',
    });
    expect((await cordon(conn, 'eu-1a')).spec?.unschedulable).to.equal(true);
  });

  describe('on a context named prod-eu-1 without the marker', () => {
    beforeEach(async () => {
      cluster = await startCluster({ seed: 3, name: 'prod-eu-1' });
      conn = await productionLike(cluster);
      await conn.core.deleteNamespacedConfigMap(TEST_CLUSTER_MARKER);
    });

    it('refuses to drain before any write, naming the context, the server, the action and the way to allow it', async () => {
      const err = await withAllowed(undefined, () =>
        drainNode(conn, 'eu-1a', { force: true, deleteEmptyDirData: true, timeout: '20s' }).catch((e) => e),
      );
      expect(err).to.be.instanceOf(DisruptionRefusedError);
      expect(err.message).to.equal(
        `kubexpect refused to drain node eu-1a: context "prod-eu-1" (server ${cluster.url}) is not a test cluster: ` +
          'it has no ConfigMap kube-public/kubexpect-test-cluster, its context is not a kind context on loopback, ' +
          'and KUBEXPECT_ALLOW_DISRUPTION is not set. Nothing was changed. If this cluster is yours to disrupt, ' +
          'run with KUBEXPECT_ALLOW_DISRUPTION=prod-eu-1, or mark it: ' +
          'kubectl --context prod-eu-1 -n kube-public create configmap kubexpect-test-cluster',
      );
      expect((await conn.getNode('eu-1a')).spec?.unschedulable).to.equal(undefined);
      const ledger = await conn.findPod('payments', 'ledger-0');
      expect(ledger?.metadata?.deletionTimestamp).to.equal(undefined);
    });

    it('refuses cordon, taints, labels and uncordonAll before any write', async () => {
      await withAllowed(undefined, async () => {
        await expect(cordon(conn, 'eu-1a')).to.be.rejectedWith(
          DisruptionRefusedError,
          'kubexpect refused to cordon node eu-1a: context "prod-eu-1"',
        );
        await expect(taintNode(conn, 'eu-1a', { key: 'x', effect: 'NoExecute' })).to.be.rejectedWith(
          DisruptionRefusedError,
          'refused to taint node eu-1a',
        );
        await expect(labelNode(conn, 'eu-1a', { drain: 'drain' })).to.be.rejectedWith(
          DisruptionRefusedError,
          'refused to label node eu-1a',
        );
        await expect(uncordonAll(conn)).to.be.rejectedWith(
          DisruptionRefusedError,
          'refused to uncordon every cordoned node',
        );
      });
      const node = await conn.getNode('eu-1a');
      expect(node.spec?.unschedulable).to.equal(undefined);
      expect(node.spec?.taints).to.equal(undefined);
      expect(node.metadata?.labels).to.deep.equal({ environment: 'production' });
    });

    it("lets deletes inside the run's own namespaces through, and refuses them anywhere else", async () => {
      const own = await createTestNamespace(conn, { prefix: 'spec' });
      await withAllowed(undefined, async () => {
        await guardDisruption(conn, `delete pod ${own.name}/web-0`, { namespace: own.name });
        await expect(
          guardDisruption(conn, 'delete pod payments/ledger-0', { namespace: 'payments' }),
        ).to.be.rejectedWith(DisruptionRefusedError, 'kubexpect refused to delete pod payments/ledger-0');
      });
    });

    it('says so when KUBEXPECT_ALLOW_DISRUPTION names another context', async () => {
      await withAllowed('kind-kind', async () => {
        await expect(cordon(conn, 'eu-1a')).to.be.rejectedWith(
          'KUBEXPECT_ALLOW_DISRUPTION names "kind-kind", not this context',
        );
      });
    });

    it('lets the actions run when KUBEXPECT_ALLOW_DISRUPTION names the context', async () => {
      await withAllowed('prod-eu-1', async () => {
        expect(await targetVerdict(conn)).to.deep.include({
          disruptionAllowed: true,
          reason: 'KUBEXPECT_ALLOW_DISRUPTION names this context',
        });
        expect((await cordon(conn, 'eu-1a')).spec?.unschedulable).to.equal(true);
        await uncordon(conn, 'eu-1a');
        await labelNode(conn, 'eu-1a', { drain: 'drain' });
      });
      expect((await conn.getNode('eu-1a')).metadata?.labels?.drain).to.equal('drain');
    });
  });

  it('lets a kind context whose server is on loopback through without the marker', async () => {
    cluster = await startCluster({ seed: 3, name: 'kind-kind' });
    conn = await productionLike(cluster);
    await conn.core.deleteNamespacedConfigMap(TEST_CLUSTER_MARKER);
    const verdict = await withAllowed(undefined, () => targetVerdict(conn));
    expect(verdict).to.deep.include({
      context: 'kind-kind',
      disruptionAllowed: true,
      reason: 'a kind context with its server on loopback',
    });
  });

  it('rejects a missing connection with what to pass', async () => {
    expect(() => cordon(null as unknown as Connection, 'eu-1a')).to.throw(
      TypeError,
      'cordon: the first argument must be a Connection (const conn = await connect()), got null',
    );
  });
});
