import type { V1StatefulSet } from '@kubernetes/client-node';
import { fail, type MatcherDefinition, type ObjectState, pass } from '../expect/index.ts';
import { count, generations, statefulSetSummary } from './workload-facts.ts';

/**
 * The current spec is observed and the StatefulSet runs exactly its desired number of pods, all
 * Ready (whatever their revision: an OnDelete or partitioned StatefulSet can be Ready mid-update).
 */
export function statefulSetReady(): MatcherDefinition<ObjectState<V1StatefulSet>, V1StatefulSet> {
  return {
    name: 'toBeReady',
    expectation: 'to be Ready',
    test({ object: s }) {
      if (!s) return fail('the statefulset does not exist');
      const summary = statefulSetSummary(s);
      const { generation, observed } = generations(s);
      if (observed === 0 || observed < generation)
        return fail(`the spec update is not observed yet: ${summary}`);
      const desired = s.spec?.replicas ?? 1;
      const ready = s.status?.readyReplicas ?? 0;
      const replicas = s.status?.replicas ?? 0;
      if (ready < desired) return fail(`${ready} of ${desired} pods ready: ${summary}`);
      if (replicas > desired)
        return fail(`${count(replicas - desired, 'extra pod')} pending termination: ${summary}`);
      return pass(s, summary);
    },
  };
}
