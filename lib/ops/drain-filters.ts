/**
 * kubectl drain's pod filters, in kubectl's order (skipDeleted, daemonSet, mirrorPod, localStorage,
 * unreplicated; k8s.io/kubectl pkg/drain/filters.go). The first filter that says "do not delete"
 * ends the chain. Unlike kubectl, which keeps only the last filter's warning, the last warning
 * raised is kept (a user deleting local data should hear about it).
 */
import type { V1Pod } from '@kubernetes/client-node';

export type PodVerdict =
  | { readonly action: 'evict'; readonly warning?: string }
  | { readonly action: 'skip'; readonly reason: SkipReason; readonly warning?: string }
  | { readonly action: 'block'; readonly message: string };

export type SkipReason = 'already-deleted' | 'daemonset' | 'mirror';

export interface FilterOptions {
  readonly ignoreDaemonSets: boolean;
  readonly deleteEmptyDirData: boolean;
  readonly force: boolean;
  /** Pods deleted longer ago than this are skipped; 0 never skips (kubectl's default). */
  readonly skipWaitForDeleteTimeoutSeconds: number;
}

/** Whether the DaemonSet that owns a pod still exists (looked up once per pod, as kubectl does). */
export type DaemonSetExists = (namespace: string, name: string) => Promise<boolean>;

const MESSAGES = {
  daemonSetFatal: 'DaemonSet-managed Pods (use ignoreDaemonSets to ignore)',
  daemonSetWarning: 'ignoring DaemonSet-managed Pods',
  localStorageFatal: 'Pods with local storage (use deleteEmptyDirData to override)',
  localStorageWarning: 'deleting Pods with local storage',
  unmanagedFatal: 'Pods that declare no controller (use force to override)',
  unmanagedWarning: 'deleting Pods that declare no controller',
} as const;

const terminal = (pod: V1Pod) => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
const controllerOf = (pod: V1Pod) => pod.metadata?.ownerReferences?.find((r) => r.controller === true);

export async function filterPod(
  pod: V1Pod,
  options: FilterOptions,
  daemonSetExists: DaemonSetExists,
  now: number = Date.now(),
): Promise<PodVerdict> {
  // skipDeleted
  const deletedAt = pod.metadata?.deletionTimestamp;
  if (options.skipWaitForDeleteTimeoutSeconds > 0 && deletedAt) {
    const age = now - new Date(deletedAt as unknown as string).getTime();
    if (age > options.skipWaitForDeleteTimeoutSeconds * 1000)
      return { action: 'skip', reason: 'already-deleted' };
  }
  let verdict: PodVerdict = { action: 'evict' };

  // daemonSet
  const owner = controllerOf(pod);
  if (owner?.kind === 'DaemonSet' && owner.apiVersion === 'apps/v1' && !terminal(pod)) {
    const namespace = pod.metadata?.namespace ?? '';
    if (await daemonSetExists(namespace, owner.name)) {
      if (!options.ignoreDaemonSets) return { action: 'block', message: MESSAGES.daemonSetFatal };
      return { action: 'skip', reason: 'daemonset', warning: MESSAGES.daemonSetWarning };
    }
    const missing = `daemonsets.apps "${owner.name}" not found`;
    if (!options.force) return { action: 'block', message: missing };
    verdict = { action: 'evict', warning: missing };
  }

  // mirrorPod
  if (pod.metadata?.annotations?.['kubernetes.io/config.mirror'] !== undefined) {
    return { action: 'skip', reason: 'mirror' };
  }

  // localStorage
  if (!terminal(pod) && (pod.spec?.volumes ?? []).some((v) => v.emptyDir)) {
    if (!options.deleteEmptyDirData) return { action: 'block', message: MESSAGES.localStorageFatal };
    verdict = { action: 'evict', warning: MESSAGES.localStorageWarning };
  }

  // unreplicated
  if (!terminal(pod) && !owner) {
    if (!options.force) return { action: 'block', message: MESSAGES.unmanagedFatal };
    verdict = { action: 'evict', warning: MESSAGES.unmanagedWarning };
  }
  return verdict;
}
