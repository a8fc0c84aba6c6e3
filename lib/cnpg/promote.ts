/** Switchover: ask the operator to make another instance the primary, as `kubectl cnpg promote` does. */
import type { Connection } from '../client/index.ts';
import { getCluster, instancePods } from './cluster.ts';
import { CLUSTER_PHASE, CNPG_GROUP, CNPG_PLURAL, CNPG_VERSION } from './types.ts';

/** RFC3339 with microseconds, the format the operator writes its timestamps in. */
function microTimestamp(date = new Date()): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/**
 * Patches status.targetPrimary (and the timestamp, phase and reason) through the status
 * subresource, like `kubectl cnpg promote <cluster> <instance>`. Resolves when the request is
 * accepted; wait for the result with eventuallyCluster(...).toHavePrimary(instance).
 */
export async function promote(
  conn: Connection,
  namespace: string,
  cluster: string,
  instance: string,
): Promise<void> {
  const current = await getCluster(conn, namespace, cluster);
  const names = (await instancePods(conn, namespace, cluster)).map((p) => p.metadata?.name ?? '');
  if (!names.includes(instance)) {
    throw new Error(
      `promote: ${instance} is not an instance of cluster ${namespace}/${cluster}; its instances are ${names.join(', ') || '(none)'}`,
    );
  }
  if (current.status?.currentPrimary === instance) {
    throw new Error(`promote: ${instance} is already the primary of cluster ${namespace}/${cluster}`);
  }
  const body = [
    { op: 'add', path: '/status/targetPrimary', value: instance },
    { op: 'add', path: '/status/targetPrimaryTimestamp', value: microTimestamp() },
    { op: 'add', path: '/status/phase', value: CLUSTER_PHASE.switchover },
    { op: 'add', path: '/status/phaseReason', value: `Switching over to ${instance}` },
  ];
  await conn.call(
    `promote ${instance} in cluster ${namespace}/${cluster}`,
    () =>
      conn.custom.patchNamespacedCustomObjectStatus({
        group: CNPG_GROUP,
        version: CNPG_VERSION,
        plural: CNPG_PLURAL,
        namespace,
        name: cluster,
        body,
      }),
    { namespace },
  );
}
