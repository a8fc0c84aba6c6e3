/**
 * detectStorage: reads a storage class and the evidence around it from the cluster (PVs, CSI
 * objects, snapshot classes, nodes) and classifies it.
 */
import type { V1StorageClass } from '@kubernetes/client-node';
import { KubeApiError } from '../client/errors.ts';
import type { Connection } from '../client/connection.ts';
import { classifyStorage, type StorageFacts } from './classify.ts';
import { loadProfilesFromEnv } from './profile-env.ts';
import type { StorageVerdict } from './profile.ts';

export interface DetectStorageOptions {
  /** The class to classify. Default: the cluster's default class. */
  readonly storageClass?: string;
}

const DEFAULT_ANNOTATIONS = [
  'storageclass.kubernetes.io/is-default-class',
  'storageclass.beta.kubernetes.io/is-default-class',
];

export function isDefaultStorageClass(sc: V1StorageClass): boolean {
  return DEFAULT_ANNOTATIONS.some((a) => sc.metadata?.annotations?.[a] === 'true');
}

/** The named class, or the cluster's only default class; a clear error otherwise. */
export async function resolveStorageClass(conn: Connection, name?: string): Promise<V1StorageClass> {
  if (name !== undefined && (typeof name !== 'string' || name === '')) {
    throw new TypeError(
      `detectStorage: storageClass must be a non-empty string, got ${JSON.stringify(name)}`,
    );
  }
  const list = await conn.call('list storageclasses', () => conn.storage.listStorageClass());
  const names = list.items.map((s) => s.metadata?.name ?? '').sort();
  const available = names.length ? names.join(', ') : '(none)';
  if (name !== undefined) {
    const found = list.items.find((s) => s.metadata?.name === name);
    if (!found)
      throw new Error(
        `detectStorage: StorageClass "${name}" does not exist; classes in the cluster: ${available}`,
      );
    return found;
  }
  const defaults = list.items.filter(isDefaultStorageClass);
  if (defaults.length === 1) return defaults[0]!;
  if (defaults.length === 0) {
    throw new Error(
      `detectStorage: the cluster has no default StorageClass (no class is annotated storageclass.kubernetes.io/is-default-class: "true"); name one with { storageClass }. Classes in the cluster: ${available}`,
    );
  }
  throw new Error(
    `detectStorage: the cluster has ${defaults.length} default StorageClasses (${defaults
      .map((s) => s.metadata?.name)
      .sort()
      .join(', ')}); name the one to use with { storageClass }`,
  );
}

/** Classifies a storage class (default: the cluster's default class) from the cluster's evidence. */
export async function detectStorage(
  conn: Connection,
  options: DetectStorageOptions = {},
): Promise<StorageVerdict> {
  await loadProfilesFromEnv();
  const sc = await resolveStorageClass(conn, options.storageClass);
  const name = sc.metadata?.name ?? '';
  const [pvs, facts] = await Promise.all([
    conn.call('list persistentvolumes', () => conn.core.listPersistentVolume()),
    readClusterFacts(conn, sc.provisioner),
  ]);
  return classifyStorage({
    ...facts,
    storageClass: sc,
    persistentVolumes: pvs.items.filter((pv) => pv.spec?.storageClassName === name),
  });
}

/** Nodes, the driver's CSI objects and snapshot classes: the evidence that does not depend on one volume. */
export async function readClusterFacts(
  conn: Connection,
  driver: string,
): Promise<Omit<StorageFacts, 'storageClass' | 'persistentVolumes'>> {
  const [nodes, csiDriver, csiNodes, snapshotDrivers] = await Promise.all([
    conn.call('list nodes', () => conn.core.listNode()),
    optional(conn.find(`get csidriver ${driver}`, () => conn.storage.readCSIDriver({ name: driver }))),
    optional(conn.find('list csinodes', () => conn.storage.listCSINode())),
    readSnapshotDrivers(conn),
  ]);
  const registered = (csiNodes?.items ?? []).flatMap((n) =>
    (n.spec?.drivers ?? [])
      .filter((d) => d.name === driver)
      .map((d) => ({ node: n.metadata?.name ?? '', keys: d.topologyKeys ?? [] })),
  );
  return {
    nodes: nodes.items,
    ...(csiDriver ? { csiDriver } : {}),
    csiNodes: registered,
    ...(snapshotDrivers !== undefined ? { snapshotDrivers } : {}),
  };
}

async function readSnapshotDrivers(conn: Connection): Promise<readonly string[] | 'not-served' | undefined> {
  try {
    const list = await conn.call('list volumesnapshotclasses', () =>
      conn.custom.listClusterCustomObject({
        group: 'snapshot.storage.k8s.io',
        version: 'v1',
        plural: 'volumesnapshotclasses',
      }),
    );
    const items = ((list as { items?: { driver?: string }[] }).items ?? []) as { driver?: string }[];
    return items.map((i) => i.driver ?? '').filter((d) => d !== '');
  } catch (err) {
    // 404 on a list: the snapshot CRDs are not installed. Anything else (forbidden): no evidence.
    if (err instanceof KubeApiError) return err.status === 404 ? 'not-served' : undefined;
    throw err;
  }
}

/** Evidence that cannot be read (forbidden, not served) is absent evidence, not a failure. */
async function optional<T, F = undefined>(p: Promise<T>, onError?: F): Promise<T | F> {
  try {
    return await p;
  } catch (err) {
    if (err instanceof KubeApiError) return onError as F;
    throw err;
  }
}

/**
 * Class-level answer to CNPG's CanMovePVCAcrossNodes(): true only when the class's volumes are
 * known to attach on any node (zonal, node-pinned and unknown storage → false).
 */
export async function canStorageClassMoveAcrossNodes(
  conn: Connection,
  options: DetectStorageOptions = {},
): Promise<boolean> {
  return (await detectStorage(conn, options)).mobility.value === 'cluster';
}
