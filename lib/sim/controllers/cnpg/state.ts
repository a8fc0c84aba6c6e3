/** What the operator reads off pods, nodes and Jobs (pkg/utils/pod_conditions.go, job helpers). */
import type { KObject, OwnerReference } from '../../api/types.ts';
import { CNPG_API_VERSION } from './naming.ts';
import type { ClusterObject, JobShape, NodeShape, PodShape } from './types.ts';

export const DEFAULT_DRAIN_TAINTS: readonly string[] = [
  'node.kubernetes.io/unschedulable',
  'ToBeDeletedByClusterAutoscaler',
  'karpenter.sh/disrupted',
  'karpenter.sh/disruption',
];

export function isDeleting(obj: KObject): boolean {
  return !!obj.metadata.deletionTimestamp;
}

/** Active: not Pending, Succeeded or Failed, and not being deleted (utils.IsPodActive). */
export function isActive(pod: PodShape): boolean {
  const phase = pod.status?.phase ?? 'Pending';
  return !isDeleting(pod) && phase !== 'Pending' && phase !== 'Succeeded' && phase !== 'Failed';
}

export function isReady(pod: PodShape): boolean {
  return !!pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
}

/** Pending with PodScheduled=False/Unschedulable: the scheduler found no node. */
export function isUnschedulable(pod: PodShape): boolean {
  return (
    (pod.status?.phase ?? 'Pending') === 'Pending' &&
    !!pod.status?.conditions?.some(
      (c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable',
    )
  );
}

export function nodeNameOf(pod: PodShape): string | undefined {
  return pod.spec?.nodeName || undefined;
}

/** Unschedulable or carrying one of the drain taints (effect ignored), as the operator decides. */
export function isDraining(node: NodeShape | undefined, drainTaints: readonly string[]): boolean {
  if (!node) return false;
  if (node.spec?.unschedulable) return true;
  return (node.spec?.taints ?? []).some((t) => drainTaints.includes(t.key));
}

/** A node whose kubelet is not reporting: Ready not True, or tainted unreachable. */
export function isUnreachable(node: NodeShape | undefined): boolean {
  if (!node) return true;
  if ((node.spec?.taints ?? []).some((t) => t.key === 'node.kubernetes.io/unreachable')) return true;
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  return ready !== undefined && ready.status !== 'True';
}

export function jobCompleted(job: JobShape): boolean {
  if (job.status?.conditions?.some((c) => c.type === 'Complete' && c.status === 'True')) return true;
  return (job.status?.succeeded ?? 0) >= (job.spec?.completions ?? 1);
}

export function jobFailed(job: JobShape): boolean {
  return !!job.status?.conditions?.some((c) => c.type === 'Failed' && c.status === 'True');
}

/** A Job still doing its work: neither complete, failed nor being deleted. */
export function jobRunning(job: JobShape): boolean {
  return !isDeleting(job) && !jobCompleted(job) && !jobFailed(job);
}

/** The controller ownerReference the operator sets (`SetControllerReference`). */
export function controllerRef(cluster: ClusterObject, blockOwnerDeletion: boolean): OwnerReference {
  const ref: OwnerReference = {
    apiVersion: CNPG_API_VERSION,
    kind: 'Cluster',
    name: cluster.metadata.name!,
    uid: cluster.metadata.uid!,
    controller: true,
  };
  if (blockOwnerDeletion) ref.blockOwnerDeletion = true;
  return ref;
}

/** Whether the object's controller is this Cluster (the operator's `IsOwnedByCluster`). */
export function isOwnedBy(obj: KObject, cluster: ClusterObject): boolean {
  return (obj.metadata.ownerReferences ?? []).some(
    (r) =>
      r.controller &&
      r.kind === 'Cluster' &&
      r.apiVersion === CNPG_API_VERSION &&
      r.uid === cluster.metadata.uid,
  );
}

/** The name of the Cluster controlling an object, if any. */
export function owningClusterName(obj: KObject): string | undefined {
  return (obj.metadata.ownerReferences ?? []).find(
    (r) => r.controller && r.kind === 'Cluster' && r.apiVersion === CNPG_API_VERSION,
  )?.name;
}

export function claimNamesOf(pod: PodShape): string[] {
  return (pod.spec?.volumes ?? []).flatMap((v) =>
    v.persistentVolumeClaim ? [v.persistentVolumeClaim.claimName] : [],
  );
}
