/** The storage behind a namespace's claims, for failure reports: what explains "Pending" versus "moved". */
import type { Connection } from '../client/index.ts';
import { type ClaimStorage, storageForClaim } from '../storage/index.ts';
import type { DiagnosticSource } from './scope.ts';

const MOBILITY_WORDS: Record<string, string> = {
  node: 'volumes are pinned to one node',
  zone: 'volumes can follow their pod within its zone',
  cluster: 'volumes can follow their pod to any node',
  unknown: 'whether volumes can follow their pod is unknown',
};
const DRAIN_WORDS: Record<string, string> = {
  pending: 'a drained pod is expected to wait Pending for its node',
  rescheduled: 'a drained pod is expected to be rescheduled on another node',
  either: 'a drained pod may wait Pending or be rescheduled',
};

function claimLine(c: ClaimStorage): string {
  const evidence = c.mobility.evidence[0];
  const usable = c.usableOn ? `, usable on ${c.usableOn.join(', ') || 'no node'}` : '';
  return `${c.claim}: class "${c.storageClass}" (${c.provisioner}${c.profile ? `, profile ${c.profile}` : ''})${c.volume ? `, volume ${c.volume}${usable}` : ', not bound'}; mobility ${c.mobility.value}${evidence ? ` (${evidence.source}: ${evidence.detail})` : ''}; on drain: ${c.drainOutcome.value}`;
}

/** The storage behind the namespace's claims: what explains "Pending" versus "moved". */
export function storageDiagnostics(conn: Connection, namespace: string): DiagnosticSource {
  const verdicts = async (): Promise<ClaimStorage[]> => {
    const claims = (await conn.core.listNamespacedPersistentVolumeClaim({ namespace })).items;
    const names = claims.map((c) => c.metadata?.name ?? '').sort();
    return Promise.all(names.map((n) => storageForClaim(conn, namespace, n)));
  };
  return {
    title: `Storage behind the claims in ${namespace}`,
    collect: async () => {
      const all = await verdicts();
      return all.length === 0 ? '(no claims)' : all.map(claimLine).join('\n');
    },
    summarize: async () => {
      const byClass = new Map<string, ClaimStorage>();
      for (const v of await verdicts()) if (!byClass.has(v.storageClass)) byClass.set(v.storageClass, v);
      const lines = [...byClass.values()].map((v) => {
        const evidence = v.mobility.evidence[0];
        return `storage: class "${v.storageClass}" (${v.provisioner}): ${MOBILITY_WORDS[v.mobility.value] ?? v.mobility.value}${evidence ? ` (${evidence.detail})` : ''}; ${DRAIN_WORDS[v.drainOutcome.value] ?? v.drainOutcome.value}`;
      });
      return lines.length > 0 ? lines.join('\n  ') : undefined;
    },
  };
}
