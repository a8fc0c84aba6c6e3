// Run by dangling-after-all.test.ts in a child mocha: an AfterAll forgets `await`; the next,
// unrelated spec must not be blamed for it.
import { connect, eventuallyPod } from '../../index.ts';
import { startCluster } from '../../sim/index.ts';
import { AfterAll, BeforeAll, DeferCleanup, Describe, It } from '../index.ts';

let conn: Awaited<ReturnType<typeof connect>>;

Describe('a container whose AfterAll forgets await', () => {
  BeforeAll(async () => {
    const cluster = await startCluster();
    conn = await connect({ kubeconfig: cluster.kubeconfig });
    DeferCleanup(() => cluster.stop());
  });
  AfterAll(() => {
    eventuallyPod(conn, 'default', 'web-0', { timeout: '30s' }).toBeDeleted();
  });
  It('runs its spec', () => {});
});

Describe('an unrelated container', () => {
  It('passes on its own', () => {});
});
