// Type-checked only (tsc --noEmit, strict, skipLibCheck off): the matchers on Vitest's expect.
import type { Connection } from 'kubexpect';
import { cluster, pod, pods } from 'kubexpect/vitest';
import { expect } from 'vitest';

export async function typed(conn: Connection, ns: string): Promise<void> {
  await expect(pod(conn, ns, 'db-1')).toEventuallyBeReady({ timeout: '2m' });
  await expect(pod(conn, ns, 'db-1')).toEventuallyBeRescheduledOrPending({
    from: 'w1',
    timeout: 'drainNode',
  });
  await expect(pod(conn, ns, 'db-1')).toConsistentlyBeOnNode('w2', { for: '10s' });
  await expect(pod(conn, ns, 'db-1')).not.toConsistentlyBeOnNode('w1', { for: 1500 });
  await expect(pods(conn, ns, { labelSelector: 'app=db' })).toEventuallyHaveCount(3);
  await expect(cluster(conn, ns, 'pg')).toEventuallyHaveReadyInstances(3, { timeout: 'clusterIsReady' });
  // @ts-expect-error: a duration reads like '2m' or '1m30s'
  await expect(pod(conn, ns, 'db-1')).toEventuallyBeReady({ timeout: '2 minutes' });
  // @ts-expect-error: toEventuallyBeOnNode needs the node
  await expect(pod(conn, ns, 'db-1')).toEventuallyBeOnNode();
}
