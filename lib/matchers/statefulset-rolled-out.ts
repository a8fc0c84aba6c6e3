import type { V1StatefulSet } from '@kubernetes/client-node';
import { fail, type MatcherDefinition, type ObjectState, pass } from '../expect/index.ts';
import { count, generations, statefulSetSummary } from './workload-facts.ts';

/**
 * What `kubectl rollout status statefulset/NAME` checks: the spec update is observed, every
 * desired pod is Ready, and then either the partitioned rollout reached `replicas - partition`
 * updated pods, or (without rollingUpdate settings) the current revision is the update revision.
 * An OnDelete StatefulSet has no rollout to wait for: that fails at once, as kubectl does.
 */
export function statefulSetRolledOut(): MatcherDefinition<ObjectState<V1StatefulSet>, V1StatefulSet> {
  return {
    name: 'toBeRolledOut',
    expectation: 'to be rolled out',
    test({ object: s }) {
      if (!s) return fail('the statefulset does not exist');
      const summary = statefulSetSummary(s);
      const strategy = s.spec?.updateStrategy;
      const type = strategy?.type ?? 'RollingUpdate';
      if (type !== 'RollingUpdate') {
        return fail(
          `its update strategy is ${type}: rollout status exists only for RollingUpdate (wait with toBeReady)`,
          true,
        );
      }
      const { generation, observed } = generations(s);
      if (observed === 0 || observed < generation)
        return fail(`the spec update is not observed yet: ${summary}`);
      const desired = s.spec?.replicas ?? 1;
      const ready = s.status?.readyReplicas ?? 0;
      if (ready < desired) return fail(`${count(desired - ready, 'pod')} not ready: ${summary}`);
      const updated = s.status?.updatedReplicas ?? 0;
      if (strategy?.rollingUpdate) {
        const partition = strategy.rollingUpdate.partition;
        if (partition !== undefined && updated < desired - partition) {
          return fail(
            `${updated} of ${desired - partition} new pods updated (partition ${partition}): ${summary}`,
          );
        }
        return pass(s, summary);
      }
      if (s.status?.updateRevision !== s.status?.currentRevision) {
        return fail(`${updated} pods at update revision ${s.status?.updateRevision ?? '-'}: ${summary}`);
      }
      return pass(s, summary);
    },
  };
}
