import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as chai from 'chai';
import chaiAsPromised from 'chai-as-promised';
import { type Cluster, startCluster } from '../sim/index.ts';
import { DSL_PATH, runNestedSpecs } from './run-nested.ts';

chai.use(chaiAsPromised);
const { expect } = chai;

const spec = `import { It, OnEachCluster } from '${DSL_PATH}';
  OnEachCluster('nodes', (target) => {
    It('lists them', async () => {
      const nodes = (await target.conn.core.listNode()).items.map((n) => n.metadata.name).sort();
      if (nodes.length === 0) throw new Error('no nodes');
    });
  });`;

describe('OnEachCluster', function () {
  // Nested mocha runs load the DSL through tsx: seconds when idle, a minute or more on a busy machine.
  this.timeout(240_000);
  // The sample specs in specs/ show the embedded mode: every one runs on both presets.
  it('runs it once against the KUBECONFIG cluster when KUBEXPECT_CLUSTER=kubeconfig', async () => {
    let sim: Cluster | undefined;
    try {
      sim = await startCluster({ preset: 'kind', timeScale: 0.02, seed: 1 });
      const dir = await mkdtemp(join(tmpdir(), 'kubexpect-kubeconfig-'));
      const kubeconfig = join(dir, 'config');
      await writeFile(kubeconfig, sim.kubeconfig);
      const result = await runNestedSpecs(spec, {
        env: { KUBEXPECT_CLUSTER: 'kubeconfig', KUBECONFIG: kubeconfig },
      });
      expect(result.failed).to.deep.equal([]);
      expect(result.passed).to.deep.equal(['nodes (KUBECONFIG cluster) lists them']);
    } finally {
      await sim?.stop();
    }
  });

  it('refuses an unknown KUBEXPECT_CLUSTER when the file loads', async () => {
    await expect(runNestedSpecs(spec, { env: { KUBEXPECT_CLUSTER: 'kind' } })).to.be.rejectedWith(
      'KUBEXPECT_CLUSTER must be "embedded", "kubeconfig" or "controlplane", got "kind"',
    );
  });

  it('says when target.conn is used while the specs are being defined', async () => {
    await expect(
      runNestedSpecs(`import { OnEachCluster } from '${DSL_PATH}';
        OnEachCluster('too early', (target) => { target.conn; });`),
    ).to.be.rejectedWith(
      'the cluster "embedded kind" is not connected yet: use target.conn inside BeforeAll, BeforeEach, It or AfterEach, not while the specs are being defined',
    );
  });
});
