import type { V1Pod } from '@kubernetes/client-node';
import { fail, type MatcherDefinition, pass, type SetState } from '../expect/index.ts';
import { restartCounts, restartsSince } from './restart-counts.ts';

/**
 * No container of any selected pod restarted since the wait began (a pod that appears later counts
 * from when it is first seen). With consistently: "no instance restarted during the failover".
 */
export function toAllKeepRestartCounts(): MatcherDefinition<SetState<V1Pod>, V1Pod[]> {
  // Per assertion: the counts each pod instance (by UID) had when first seen.
  const first = new Map<string, Map<string, number>>();
  return {
    name: 'toAllKeepRestartCounts',
    expectation: 'to all keep their restart counts',
    test({ objects }) {
      const restarted: string[] = [];
      for (const pod of objects) {
        const uid = pod.metadata?.uid ?? '';
        const base = first.get(uid);
        if (!base) {
          first.set(uid, restartCounts(pod));
          continue;
        }
        const r = restartsSince(base, pod);
        if (r.length) restarted.push(`${pod.metadata?.name}: ${r.join('; ')}`);
      }
      if (restarted.length) return fail(`restarted: ${restarted.join('; ')}`, true);
      return pass([...objects], `no restarts in ${objects.length} pods`);
    },
  };
}
