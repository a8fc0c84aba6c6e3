import { AssertionError, expect } from 'chai';
import { type Connection, connect } from '../client/index.ts';
import { type Cluster, DEFAULT_LATENCIES, namespaceLifecycle, startCluster } from '../sim/index.ts';
import { createTestNamespace } from './namespaces.ts';

describe('test namespaces: cleanup waits on the one wait engine', () => {
  let cluster: Cluster;
  let conn: Connection;

  before(async () => {
    cluster = await startCluster({
      seed: 3,
      controllers: [namespaceLifecycle({ latencies: DEFAULT_LATENCIES })],
    });
    conn = await connect({ kubeconfig: cluster.kubeconfig });
  });
  after(async () => {
    conn.close();
    await cluster.stop();
  });

  it('waits until the namespace is gone when asked to', async () => {
    const ns = await createTestNamespace(conn, { prefix: 'gone' });
    await ns.cleanup({ wait: true, timeout: '30s' });
    expect(await conn.findNamespace(ns.name)).to.equal(undefined);
  });

  it('fails as an assertion naming the namespace and its state when it outlives the budget', async () => {
    const ns = await createTestNamespace(conn, { prefix: 'stuck' });
    // A finalizer nobody removes keeps the namespace Terminating.
    await conn.core.createNamespacedConfigMap({
      namespace: ns.name,
      body: { metadata: { name: 'held', finalizers: ['example.com/never'] } },
    });
    const err = await ns.cleanup({ wait: true, timeout: '1s' }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(AssertionError);
    expect((err as Error).message).to.match(
      new RegExp(
        `^Timed out after \\S+ of 1s: expected namespace ${ns.name} to be deleted\\.\\n {2}last seen: .*\\n {2}state: Terminating`,
      ),
    );
    await conn.core.patchNamespacedConfigMap({
      namespace: ns.name,
      name: 'held',
      body: [{ op: 'remove', path: '/metadata/finalizers' }],
    });
  });

  it('refuses bad wait options before deleting anything', async () => {
    const ns = await createTestNamespace(conn, { prefix: 'kept' });
    expect(() => ns.cleanup({ wait: true, timeout: 'soon' as never })).to.throw(
      TypeError,
      /timeout: unknown budget 'soon'/,
    );
    expect(await conn.findNamespace(ns.name)).not.to.equal(undefined);
    await ns.cleanup();
  });
});
