/**
 * Instance PVCs: `<cluster>-<serial>` (PGDATA) and `<cluster>-<serial>-wal` (WAL), their labels and
 * annotations (pkg/reconciler/persistentvolumeclaim/build.go), and the classification that feeds
 * status.instances and the healthy/dangling/initializing/unusable lists (status.go `EnrichStatus`).
 */
import { StatusError } from '../../api/errors.ts';
import type { KObject } from '../../api/types.ts';
import { isDefaultStorageClass } from '../../resources/storageclasses.ts';
import {
  ANNOTATION,
  commonLabels,
  instanceName,
  LABEL,
  OPERATOR_VERSION,
  type PvcRole,
  type PvcStatus,
  serialOf,
  walPvcName,
} from './naming.ts';
import type { Pass } from './pass.ts';
import { claimNamesOf, controllerRef, isDeleting, jobRunning } from './state.ts';
import { quantityBytes, requestedSize } from './defaults.ts';
import type { StorageConfiguration } from './types.ts';

function pvcStatusOf(pvc: KObject): string | undefined {
  return pvc.metadata.annotations?.[ANNOTATION.pvcStatus];
}

export function instanceOfPvc(pvc: KObject): string | undefined {
  return pvc.metadata.labels?.[LABEL.instanceName];
}

/** The name of the cluster's default StorageClass, when the server serves StorageClasses and has one. */
function defaultStorageClass(pass: Pass): string | undefined {
  const rt = pass.kinds.storageClasses;
  if (!rt) return undefined;
  const def = pass.api.list(rt, undefined).items.find(isDefaultStorageClass);
  return def?.metadata.name;
}

function buildPvc(pass: Pass, serial: number, role: PvcRole): KObject {
  const instance = instanceName(pass.name, serial);
  const storage: StorageConfiguration = (role === 'PG_WAL' ? pass.spec.walStorage : pass.spec.storage) ?? {};
  const template = storage.pvcTemplate ?? {};
  const spec: Record<string, unknown> = { ...template };
  spec.accessModes = template.accessModes?.length ? template.accessModes : ['ReadWriteOnce'];
  const size = storage.size || template.resources?.requests?.storage;
  spec.resources = {
    ...(template.resources ?? {}),
    requests: { ...(template.resources?.requests ?? {}), storage: size },
  };
  // The API server's DefaultStorageClass admission fills an unset class; done here when the server lacks it.
  const storageClassName = storage.storageClass ?? template.storageClassName ?? defaultStorageClass(pass);
  if (storageClassName) spec.storageClassName = storageClassName;
  const status: PvcStatus = role === 'PG_WAL' ? 'ready' : 'initializing';
  const common = commonLabels(pass.name);
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {
      name: role === 'PG_WAL' ? walPvcName(instance) : instance,
      namespace: pass.namespace,
      labels: {
        ...(pass.spec.inheritedMetadata?.labels ?? {}),
        [LABEL.cluster]: pass.name,
        [LABEL.instanceName]: instance,
        [LABEL.pvcRole]: role,
        [LABEL.appName]: common[LABEL.appName]!,
        [LABEL.appComponent]: common[LABEL.appComponent]!,
        [LABEL.appManagedBy]: common[LABEL.appManagedBy]!,
      },
      annotations: {
        ...(pass.spec.inheritedMetadata?.annotations ?? {}),
        [ANNOTATION.nodeSerial]: String(serial),
        [ANNOTATION.pvcStatus]: status,
        [ANNOTATION.operatorVersion]: OPERATOR_VERSION,
      },
      ownerReferences: [controllerRef(pass.cluster, false)],
    },
    spec,
  };
}

/** Creates the PVC group of an instance (PGDATA `initializing`, WAL `ready`). */
export function createPvcGroup(pass: Pass, serial: number): void {
  pass.create(pass.kinds.pvcs, buildPvc(pass, serial, 'PG_DATA'));
  if (pass.spec.walStorage) pass.create(pass.kinds.pvcs, buildPvc(pass, serial, 'PG_WAL'));
}

/** The PVCs that count: phase Pending or Bound (unset means Pending), not being deleted, with a valid status. */
function counted(pass: Pass): KObject[] {
  return pass.pvcs.filter((pvc) => {
    const phase = (pvc.status as { phase?: string } | undefined)?.phase ?? 'Pending';
    const st = pvcStatusOf(pvc);
    return (
      !isDeleting(pvc) &&
      (phase === 'Pending' || phase === 'Bound') &&
      (st === 'initializing' || st === 'ready' || st === 'detached') &&
      instanceOfPvc(pvc) !== undefined
    );
  });
}

export interface PvcClassification {
  /** Instance names with at least one counted PVC, sorted by serial. */
  instanceNames: string[];
  healthy: string[];
  dangling: string[];
  initializing: string[];
  unusable: string[];
  /** Instances whose PVC group is complete and ready but no pod or running Job uses it. */
  danglingInstances: string[];
}

export function classifyPvcs(pass: Pass): PvcClassification {
  const pvcs = counted(pass);
  const usedByPods = new Set(pass.pods.filter((p) => !isDeleting(p)).flatMap((p) => claimNamesOf(p)));
  const usedByRunningJobs = new Set(
    pass.jobs
      .filter(jobRunning)
      .flatMap((j) =>
        claimNamesOf((j.spec as { template?: KObject } | undefined)?.template ?? { metadata: {} }),
      ),
  );
  const names = [...new Set(pvcs.map((p) => instanceOfPvc(p)!))].sort(
    (a, b) => (serialOf(pass.name, a) ?? 0) - (serialOf(pass.name, b) ?? 0),
  );
  const out: PvcClassification = {
    instanceNames: names,
    healthy: [],
    dangling: [],
    initializing: [],
    unusable: [],
    danglingInstances: [],
  };
  for (const instance of names) {
    const group = pvcs.filter((p) => instanceOfPvc(p) === instance);
    const hasData = group.some((p) => p.metadata.labels?.[LABEL.pvcRole] === 'PG_DATA');
    const hasWal = group.some((p) => p.metadata.labels?.[LABEL.pvcRole] === 'PG_WAL');
    const complete = hasData && (!pass.spec.walStorage || hasWal);
    const groupNames = group.map((p) => p.metadata.name!).sort();
    if (!complete) {
      out.unusable.push(...groupNames);
      continue;
    }
    let danglingGroup = true;
    for (const pvc of group) {
      const name = pvc.metadata.name!;
      if (usedByPods.has(name)) {
        out.healthy.push(name);
        danglingGroup = false;
      } else if (usedByRunningJobs.has(name)) {
        out.initializing.push(name);
        danglingGroup = false;
      } else out.dangling.push(name);
    }
    if (danglingGroup && group.every((p) => pvcStatusOf(p) === 'ready')) out.danglingInstances.push(instance);
  }
  for (const list of [out.healthy, out.dangling, out.initializing, out.unusable]) list.sort();
  return out;
}

/** The PVCs (any state) of one instance. */
export function pvcsOfInstance(pass: Pass, instance: string): KObject[] {
  return pass.pvcs.filter((p) => instanceOfPvc(p) === instance);
}

/**
 * Grows the instances' PVC requests to the configured size (`resizeInUseVolumes`, default true);
 * shrinking is refused by the webhook, so only growth reaches here.
 */
export function resizePvcs(pass: Pass): void {
  for (const pvc of pass.pvcs) {
    if (isDeleting(pvc)) continue;
    const role = pvc.metadata.labels?.[LABEL.pvcRole];
    const storage =
      role === 'PG_WAL' ? pass.spec.walStorage : role === 'PG_DATA' ? pass.spec.storage : undefined;
    if (!storage || storage.resizeInUseVolumes === false) continue;
    const wanted = requestedSize(storage);
    const spec = pvc.spec as { resources?: { requests?: { storage?: string } } } | undefined;
    const current = spec?.resources?.requests?.storage;
    if (!wanted || !current) continue;
    const wantedBytes = quantityBytes(wanted);
    const currentBytes = quantityBytes(current);
    if (wantedBytes === undefined || currentBytes === undefined || wantedBytes <= currentBytes) continue;
    try {
      pass.patch(pass.kinds.pvcs, pvc.metadata.name!, {
        spec: { resources: { requests: { storage: wanted } } },
      });
    } catch (err) {
      // A class that cannot expand refuses the resize; the claim keeps its size, as on a real cluster.
      if (!(err instanceof StatusError)) throw err;
    }
  }
}
