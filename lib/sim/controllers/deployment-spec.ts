/** What the Deployment controller's parts share: annotation names, the spec's shape, ReplicaSet counts, maxSurge/maxUnavailable. */
import type { KObject } from '../api/types.ts';
import { scaledValue, semantic } from './workload-helpers.ts';

export const SOURCE = { component: 'deployment-controller' };
export const HASH_LABEL = 'pod-template-hash';
export const REVISION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history';
export const DESIRED = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas';
/** Deployment annotations not copied to its ReplicaSets (deploymentutil.skipCopyAnnotation). */
export const NOT_COPIED = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION,
  REVISION_HISTORY,
  DESIRED,
  MAX_REPLICAS,
  'deprecated.deployment.rollback.to',
]);

export interface DeploymentSpec {
  replicas?: number;
  paused?: boolean;
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
  progressDeadlineSeconds?: number;
  selector?: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] };
  strategy?: {
    type?: string;
    rollingUpdate?: { maxSurge?: number | string; maxUnavailable?: number | string };
  };
  template?: {
    metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
    spec?: unknown;
  };
}

export interface ReplicaSetView {
  obj: KObject;
  replicas: number;
  statusReplicas: number;
  ready: number;
  available: number;
  revision: number;
}

export const spec = (d: KObject) => (d.spec ?? {}) as DeploymentSpec;

export function view(rs: KObject): ReplicaSetView {
  const s = (rs.status ?? {}) as { replicas?: number; readyReplicas?: number; availableReplicas?: number };
  return {
    obj: rs,
    replicas: (rs.spec as { replicas?: number } | undefined)?.replicas ?? 0,
    statusReplicas: s.replicas ?? 0,
    ready: s.readyReplicas ?? 0,
    available: s.availableReplicas ?? 0,
    revision: Number(rs.metadata.annotations?.[REVISION] ?? 0) || 0,
  };
}

/** The template without the pod-template-hash label, for comparing a ReplicaSet's with the Deployment's. */
export function withoutHash(template: unknown): unknown {
  const t = structuredClone((template ?? {}) as { metadata?: { labels?: Record<string, string> } });
  if (t.metadata?.labels) delete t.metadata.labels[HASH_LABEL];
  return semantic(t);
}

/** maxSurge and maxUnavailable as pod counts (deploymentutil.ResolveFenceposts). */
export function fenceposts(d: KObject): { surge: number; unavailable: number } {
  const s = spec(d);
  const replicas = s.replicas ?? 1;
  if (s.strategy?.type === 'Recreate') return { surge: 0, unavailable: replicas };
  const surge = scaledValue(s.strategy?.rollingUpdate?.maxSurge ?? '25%', replicas, true);
  const unavailable = scaledValue(s.strategy?.rollingUpdate?.maxUnavailable ?? '25%', replicas, false);
  return surge === 0 && unavailable === 0 ? { surge, unavailable: 1 } : { surge, unavailable };
}
