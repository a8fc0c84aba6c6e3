/** One line for a Cluster's state in messages: phase, readiness and primaries. */
import type { CnpgCluster } from '../types.ts';

export function describeCluster(cluster: CnpgCluster | undefined): string {
  if (!cluster) return 'does not exist';
  const s = cluster.status ?? {};
  const phase = s.phase ? `phase "${s.phase}"${s.phaseReason ? ` (${s.phaseReason})` : ''}` : 'no phase yet';
  const ready = `${s.readyInstances ?? 0}/${cluster.spec?.instances ?? '?'} instances ready`;
  const primary =
    s.currentPrimary === undefined || s.currentPrimary === ''
      ? 'no primary yet'
      : s.targetPrimary && s.targetPrimary !== s.currentPrimary
        ? `primary ${s.currentPrimary}, target ${s.targetPrimary}`
        : `primary ${s.currentPrimary}`;
  return `${phase}, ${ready}, ${primary}`;
}
