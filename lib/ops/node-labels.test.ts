import { expect, use } from 'chai';
import chaiAsPromised from 'chai-as-promised';
import { type Connection, connect } from '../client/index.ts';
import {
  CONTROLPLANE_HOOK_TIMEOUT_MS,
  startTestCluster,
  type TestCluster,
} from '../controlplane/testing/test-target.ts';
import { labelNode } from './node-labels.ts';
import { taintNode, untaintNode } from './node-taints.ts';

use(chaiAsPromised);

describe('node labels and taints', () => {
  let cluster: TestCluster;
  let conn: Connection;

  before(async function () {
    this.timeout(CONTROLPLANE_HOOK_TIMEOUT_MS);
    cluster = await startTestCluster({ seed: 3 });
    conn = await connect({ kubeconfig: cluster.kubeconfig, retry: { retries: 0 } });
    await conn.core.createNode({ body: { metadata: { name: 'worker', labels: { keep: 'me' } } } });
  });
  after(async () => {
    conn.close();
    await cluster.stop();
  });

  it('adds a label and keeps the others', async () => {
    const node = await labelNode(conn, 'worker', { drain: 'drain' });
    expect(node.metadata?.labels).to.include({ drain: 'drain', keep: 'me' });
  });

  it('removes a label given null', async () => {
    await labelNode(conn, 'worker', { gone: 'soon' });
    const node = await labelNode(conn, 'worker', { gone: null });
    expect(node.metadata?.labels).to.not.have.property('gone');
  });

  it('rejects an invalid label value before calling the server', () => {
    expect(() => labelNode(conn, 'worker', { drain: 'not ok' })).to.throw(
      TypeError,
      'labelNode: value "not ok" of "drain" is not a valid label value (empty, or up to 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit)',
    );
  });

  it('adds a taint, and replaces its value when tainted again with the same key and effect', async () => {
    await taintNode(conn, 'worker', { key: 'dedicated', value: 'db', effect: 'NoSchedule' });
    const node = await taintNode(conn, 'worker', { key: 'dedicated', value: 'web', effect: 'NoSchedule' });
    // A real API server also taints a new node node.kubernetes.io/not-ready until a kubelet reports (TaintNodesByCondition).
    const own = (node.spec?.taints ?? []).filter((t) => !t.key.startsWith('node.kubernetes.io/'));
    expect(own).to.deep.equal([{ key: 'dedicated', value: 'web', effect: 'NoSchedule' }]);
  });

  it('removes a taint by key, and treats removing an absent one as done', async () => {
    await taintNode(conn, 'worker', { key: 'maintenance', effect: 'NoExecute' });
    await untaintNode(conn, 'worker', 'maintenance');
    const node = await untaintNode(conn, 'worker', 'maintenance');
    expect((node.spec?.taints ?? []).map((t) => t.key)).to.not.include('maintenance');
  });

  it('rejects an unknown taint effect, listing the valid ones', () => {
    expect(() => taintNode(conn, 'worker', { key: 'k', effect: 'NoWay' as never })).to.throw(
      TypeError,
      'taintNode: effect must be one of NoSchedule, PreferNoSchedule, NoExecute, got "NoWay"',
    );
  });
});
