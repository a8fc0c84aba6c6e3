import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { type Connection, connect } from '../client/index.ts';
import { TEST_CLUSTER_MARKER } from '../ops/index.ts';
import { type Cluster, startCluster } from '../sim/index.ts';
import { DSL_PATH, type NestedRunResult, runNestedSpecs } from './run-nested.ts';

const OPS_PATH = fileURLToPath(new URL('../ops/index.ts', import.meta.url));

/** What `npm run test:kind` runs, in short: a Serial drain spec with CNPG's drain options. */
const drainSpec = `import { DeferCleanup, It, OnEachCluster, Serial } from '${DSL_PATH}';
import { drainNode, uncordon } from '${OPS_PATH}';
OnEachCluster('E2E Drain Node', Serial, (target) => {
  It('drains the node', async () => {
    DeferCleanup(() => uncordon(target.conn, 'eu-1a'));
    await drainNode(target.conn, 'eu-1a', { force: true, deleteEmptyDirData: true, retryDelayMs: 1000 });
  });
});`;

async function runCapturingStderr(
  env: Record<string, string>,
): Promise<{ result: NestedRunResult; stderr: string }> {
  const write = process.stderr.write;
  let stderr = '';
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  try {
    return { result: await runNestedSpecs(drainSpec, { env, timeoutMs: 60_000 }), stderr };
  } finally {
    process.stderr.write = write;
  }
}

describe('a test:kind run against a context that is not a test cluster', () => {
  let cluster: Cluster;
  let conn: Connection;
  let kubeconfig: string;

  beforeEach(async () => {
    cluster = await startCluster({ seed: 5, name: 'prod-eu-1' });
    conn = await connect({ kubeconfig: cluster.kubeconfig });
    await conn.core.deleteNamespacedConfigMap(TEST_CLUSTER_MARKER);
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
    kubeconfig = join(await mkdtemp(join(tmpdir(), 'kubexpect-prod-')), 'config');
    await writeFile(kubeconfig, cluster.kubeconfig);
  });
  afterEach(async () => {
    conn?.close();
    await cluster?.stop();
  });

  it('prints the target and refuses the drain before any write', async () => {
    const { result, stderr } = await runCapturingStderr({
      KUBEXPECT_CLUSTER: 'kubeconfig',
      KUBECONFIG: kubeconfig,
    });
    expect(stderr).to.include(
      `kubexpect: running against context "prod-eu-1" (server ${cluster.url}); disruptive actions refused: it has no ConfigMap kube-public/kubexpect-test-cluster`,
    );
    expect(result.passed).to.deep.equal([]);
    expect(result.failed.map((f) => f.title)).to.deep.equal([
      'E2E Drain Node (KUBECONFIG cluster) drains the node',
    ]);
    expect(result.failed[0]?.message).to.include(
      `kubexpect refused to drain node eu-1a: context "prod-eu-1" (server ${cluster.url}) is not a test cluster`,
    );
    expect(result.failed[0]?.message).to.include('run with KUBEXPECT_ALLOW_DISRUPTION=prod-eu-1');
    expect((await conn.getNode('eu-1a')).spec?.unschedulable).to.equal(undefined);
    expect((await conn.findPod('payments', 'ledger-0'))?.metadata?.deletionTimestamp).to.equal(undefined);
  });

  it('runs the drain when KUBEXPECT_ALLOW_DISRUPTION names the context, still keeping an unmanaged pod of another namespace', async () => {
    const { result, stderr } = await runCapturingStderr({
      KUBEXPECT_CLUSTER: 'kubeconfig',
      KUBECONFIG: kubeconfig,
      KUBEXPECT_ALLOW_DISRUPTION: 'prod-eu-1',
    });
    expect(stderr).to.include(
      'kubexpect: running against context "prod-eu-1" (server ' +
        `${cluster.url}); disruptive actions allowed: KUBEXPECT_ALLOW_DISRUPTION names this context`,
    );
    expect(result.failed[0]?.message).to.include(
      "drainNode eu-1a: cannot delete Pods outside this run's namespaces that no controller would recreate",
    );
    expect(result.failed[0]?.message).to.include('payments/ledger-0');
    expect(await conn.findPod('payments', 'ledger-0')).to.not.equal(undefined);
  });
});
