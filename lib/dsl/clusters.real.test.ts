import { expect } from 'chai';
import { realOnlyDescribe } from '../controlplane/testing/test-target.ts';
import { DSL_PATH, runNestedSpecs } from './run-nested.ts';

const LIB_PATH = DSL_PATH.replace(/dsl[/\\]index\.(ts|js)$/, 'index.$1');

const spec = `import { It, OnEachCluster } from '${DSL_PATH}';
  import { detectStorage } from '${LIB_PATH}';
  OnEachCluster('storage', (target) => {
    It('follows the preset', async () => {
      const nodes = (await target.conn.core.listNode()).items.map((n) => n.metadata.name).sort();
      const verdict = await detectStorage(target.conn);
      const seen = nodes.join(',') + ' ' + verdict.storageClass + ' ' + verdict.mobility.value;
      const expected = target.name === 'controlplane kind'
        ? 'kind-control-plane,kind-worker,kind-worker2,kind-worker3 standard node'
        : 'cloud-worker-a,cloud-worker-b,cloud-worker-c standard-rwo cluster';
      if (seen !== expected) throw new Error('on ' + target.name + ' saw ' + seen + ', expected ' + expected);
    });
  });`;

realOnlyDescribe('OnEachCluster with KUBEXPECT_CLUSTER=controlplane', () => {
  it('runs the container on a fresh real control plane per preset, nodes and default storage as the embedded presets', async () => {
    const result = await runNestedSpecs(spec, {
      env: { KUBEXPECT_CLUSTER: 'controlplane' },
      timeoutMs: 280_000,
    });
    expect(result.failed.map((f) => `${f.title}: ${f.message}`)).to.deep.equal([]);
    expect(result.passed).to.deep.equal([
      'storage (controlplane kind) follows the preset',
      'storage (controlplane cloud) follows the preset',
    ]);
  });
});
