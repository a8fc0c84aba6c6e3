/** Container restart counts of a pod, and how two readings differ (shared by the restart-count matchers). */
import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';

const statuses = (pod: V1Pod): V1ContainerStatus[] => [
  ...(pod.status?.initContainerStatuses ?? []),
  ...(pod.status?.containerStatuses ?? []),
];

/** container name → restart count. */
export function restartCounts(pod: V1Pod): Map<string, number> {
  return new Map(statuses(pod).map((s) => [s.name, s.restartCount ?? 0]));
}

/** `c=0, sidecar=1`, or `no container statuses`. */
export function showCounts(counts: ReadonlyMap<string, number>): string {
  if (counts.size === 0) return 'no container statuses';
  return [...counts].map(([name, n]) => `${name}=${n}`).join(', ');
}

/** The containers that restarted since `before`: `c 0 → 2 (last terminated: Error, exit code 1)`. */
export function restartsSince(before: ReadonlyMap<string, number>, pod: V1Pod): string[] {
  return statuses(pod).flatMap((s) => {
    const was = before.get(s.name) ?? 0;
    const now = s.restartCount ?? 0;
    if (now <= was) return [];
    const t = s.lastState?.terminated;
    const why = t ? ` (last terminated: ${t.reason ?? 'unknown reason'}, exit code ${t.exitCode})` : '';
    return [`${s.name} ${was} → ${now}${why}`];
  });
}
