import type { V1Deployment } from '@kubernetes/client-node';
import { fail, type MatcherDefinition, type ObjectState, pass } from '../expect/index.ts';
import { conditionOf } from './pod-facts.ts';
import { count, deploymentSummary, generations } from './workload-facts.ts';

/**
 * What `kubectl rollout status deployment/NAME` checks, for the current generation: the spec
 * update is observed, every desired replica is updated, no old replica is left, and every updated
 * one is available. A Progressing condition with reason ProgressDeadlineExceeded fails at once,
 * as kubectl does.
 */
export function deploymentRolledOut(): MatcherDefinition<ObjectState<V1Deployment>, V1Deployment> {
  return {
    name: 'toBeRolledOut',
    expectation: 'to be rolled out',
    test({ object: d }) {
      if (!d) return fail('the deployment does not exist');
      const summary = deploymentSummary(d);
      const { generation, observed } = generations(d);
      if (observed < generation) return fail(`the spec update is not observed yet: ${summary}`);
      const progressing = conditionOf(d, 'Progressing');
      if (progressing?.reason === 'ProgressDeadlineExceeded') {
        return fail(`it exceeded its progress deadline (${progressing.message ?? ''}): ${summary}`, true);
      }
      const s = d.status ?? {};
      const desired = d.spec?.replicas ?? 1;
      const updated = s.updatedReplicas ?? 0;
      if (updated < desired) return fail(`${updated} of ${desired} new replicas updated: ${summary}`);
      const old = (s.replicas ?? 0) - updated;
      if (old > 0) return fail(`${count(old, 'old replica')} pending termination: ${summary}`);
      const available = s.availableReplicas ?? 0;
      if (available < updated)
        return fail(`${available} of ${updated} updated replicas available: ${summary}`);
      return pass(d, summary);
    },
  };
}
