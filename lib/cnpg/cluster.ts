/** Reading a CloudNativePG cluster and the objects that belong to it, through the API. */
import type * as k8s from '@kubernetes/client-node';
import { AssertionError } from 'chai';
import type { Connection } from '../client/index.ts';
import {
  eventuallyMatch,
  fail,
  type MatcherDefinition,
  observeSet,
  pass,
  type SetState,
} from '../expect/index.ts';
import { PODS } from '../observe/index.ts';
import type { TimeoutSpec } from '../timeouts/index.ts';
import { CNPG_GROUP, CNPG_PLURAL, CNPG_VERSION, type CnpgCluster, selectors } from './types.ts';

export async function getCluster(conn: Connection, namespace: string, name: string): Promise<CnpgCluster> {
  return (await conn.call(
    `get cluster.postgresql.cnpg.io ${namespace}/${name}`,
    () =>
      conn.custom.getNamespacedCustomObject({
        group: CNPG_GROUP,
        version: CNPG_VERSION,
        plural: CNPG_PLURAL,
        namespace,
        name,
      }),
    { namespace },
  )) as CnpgCluster;
}

export async function findCluster(
  conn: Connection,
  namespace: string,
  name: string,
): Promise<CnpgCluster | undefined> {
  return (await conn.find(
    `get cluster.postgresql.cnpg.io ${namespace}/${name}`,
    () =>
      conn.custom.getNamespacedCustomObject({
        group: CNPG_GROUP,
        version: CNPG_VERSION,
        plural: CNPG_PLURAL,
        namespace,
        name,
      }),
    { namespace },
  )) as CnpgCluster | undefined;
}

function byName(a: k8s.V1Pod, b: k8s.V1Pod): number {
  return (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '');
}

/** The cluster's instance pods (not its Job pods), sorted by name. */
export async function instancePods(
  conn: Connection,
  namespace: string,
  cluster: string,
): Promise<k8s.V1Pod[]> {
  return (await conn.listPods(namespace, { labelSelector: selectors.instances(cluster) })).sort(byName);
}

export interface PrimaryPodOptions {
  /**
   * How long to wait for a pod to carry the primary label. Default the `newPrimaryAfterFailover`
   * budget: time for the operator's next pass, and for the watch to list through transient errors.
   */
  readonly timeout?: TimeoutSpec;
}

/**
 * The pod labelled primary and not being deleted, like CNPG's `GetPrimary`, waiting briefly for
 * the label: the operator sets it on a pass after the instance became primary, and during a
 * failover or switchover no pod carries it (wait for those with eventuallyCluster().toHavePrimary()).
 */
export async function primaryPod(
  conn: Connection,
  namespace: string,
  cluster: string,
  options: PrimaryPodOptions = {},
): Promise<k8s.V1Pod> {
  const selector = selectors.primary(cluster);
  const matcher: MatcherDefinition<SetState<k8s.V1Pod>, k8s.V1Pod> = {
    name: 'primaryPod',
    expectation: 'to include a live pod labelled primary',
    test({ objects }) {
      const live = objects.filter((p) => !p.metadata?.deletionTimestamp).sort(byName);
      if (live[0]) return pass(live[0], `${live[0].metadata?.name} is labelled primary`);
      if (objects.length > 0) {
        return fail(
          `only terminating pods are labelled primary (${objects.map((p) => p.metadata?.name).join(', ')})`,
        );
      }
      return fail('no pod is labelled cnpg.io/instanceRole=primary');
    },
  };
  return await eventuallyMatch(
    `primaryPod(${namespace}/${cluster})`,
    () => observeSet<k8s.V1Pod>(conn, PODS, namespace, { labelSelector: selector }),
    matcher,
    { timeout: options.timeout ?? 'newPrimaryAfterFailover', events: 0 },
  );
}

/** The cluster's replica pods, not being deleted, sorted by name. */
export async function replicaPods(
  conn: Connection,
  namespace: string,
  cluster: string,
): Promise<k8s.V1Pod[]> {
  const pods = await conn.listPods(namespace, { labelSelector: selectors.replicas(cluster) });
  return pods.filter((p) => !p.metadata?.deletionTimestamp).sort(byName);
}

/** PVC name → uid for every claim of the cluster (PGDATA and WAL): compare two to assert reuse. */
export async function pvcIdentities(
  conn: Connection,
  namespace: string,
  cluster: string,
): Promise<Map<string, string>> {
  const list = await conn.call(
    `list persistentvolumeclaims in ${namespace}`,
    () =>
      conn.core.listNamespacedPersistentVolumeClaim({ namespace, labelSelector: selectors.pvcs(cluster) }),
    { namespace },
  );
  const entries = list.items
    .filter((c) => !c.metadata?.deletionTimestamp)
    .map((c) => [c.metadata?.name ?? '', c.metadata?.uid ?? ''] as const)
    .sort(([a], [b]) => a.localeCompare(b));
  return new Map(entries);
}

/** Describes how two PVC identity maps differ, or returns undefined when they are the same. */
export function pvcIdentityChanges(
  before: ReadonlyMap<string, string>,
  after: ReadonlyMap<string, string>,
): string | undefined {
  const lines: string[] = [];
  for (const [name, uid] of before) {
    const now = after.get(name);
    if (now === undefined) lines.push(`  ${name}: gone (was uid ${uid})`);
    else if (now !== uid) lines.push(`  ${name}: uid ${uid} → ${now} (a new claim under the same name)`);
  }
  for (const [name, uid] of after) if (!before.has(name)) lines.push(`  ${name}: new (uid ${uid})`);
  return lines.length > 0 ? lines.join('\n') : undefined;
}

/** Fails unless the cluster's claims are the same objects (same names, same uids) as `before`. */
export async function expectSamePvcs(
  conn: Connection,
  namespace: string,
  cluster: string,
  before: ReadonlyMap<string, string>,
): Promise<void> {
  const after = await pvcIdentities(conn, namespace, cluster);
  const changes = pvcIdentityChanges(before, after);
  if (changes) {
    throw new AssertionError(
      `expected the PVCs of cluster ${namespace}/${cluster} to be reused (same names and uids), but:\n${changes}`,
    );
  }
}
