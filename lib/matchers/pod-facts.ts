/** Small readings of pod, PVC and node objects shared by the matchers (JSON as the API sends it). */
import type {
  KubernetesObject,
  V1Node,
  V1PersistentVolumeClaim,
  V1Pod,
  V1PodCondition,
} from '@kubernetes/client-node';

export const uidOf = (o: KubernetesObject | undefined) => o?.metadata?.uid;
export const shortUid = (uid: string | undefined) => (uid ? uid.slice(0, 8) : '-');

export function conditionOf(
  obj: KubernetesObject | undefined,
  type: string,
): { type: string; status: string; reason?: string; message?: string } | undefined {
  const conds = (obj as { status?: { conditions?: V1PodCondition[] } } | undefined)?.status?.conditions;
  return conds?.find((c) => c.type === type);
}

export function phaseOf(obj: KubernetesObject | undefined): string | undefined {
  return (obj as { status?: { phase?: string } } | undefined)?.status?.phase;
}

export function nodeOf(pod: V1Pod | undefined): string | undefined {
  return pod?.spec?.nodeName || undefined;
}

export function isTerminating(obj: KubernetesObject | undefined): boolean {
  return !!obj?.metadata?.deletionTimestamp;
}

/** `Pending, unscheduled (Unschedulable: 0/3 nodes are available…)`, `Running on kind-worker`. */
export function podSummary(pod: V1Pod | undefined): string {
  if (!pod) return 'the pod does not exist';
  const phase = phaseOf(pod) ?? 'no phase';
  const node = nodeOf(pod);
  const where = node ? `on ${node}` : 'unscheduled';
  const sched = conditionOf(pod, 'PodScheduled');
  const why =
    !node && sched?.status === 'False' ? ` (${sched.reason ?? 'not scheduled'}: ${sched.message ?? ''})` : '';
  return `${phase} ${where}${why}${isTerminating(pod) ? ', terminating' : ''}, uid ${shortUid(uidOf(pod))}`;
}

export function pvcSummary(pvc: V1PersistentVolumeClaim | undefined): string {
  if (!pvc) return 'the claim does not exist';
  const volume = pvc.spec?.volumeName ? ` to ${pvc.spec.volumeName}` : '';
  return `${phaseOf(pvc) ?? 'no phase'}${volume}, uid ${shortUid(uidOf(pvc))}`;
}

export function nodeSummary(node: V1Node | undefined): string {
  if (!node) return 'the node does not exist';
  const ready = conditionOf(node, 'Ready')?.status ?? 'Unknown';
  return `${node.spec?.unschedulable ? 'cordoned' : 'schedulable'}, Ready=${ready}`;
}
