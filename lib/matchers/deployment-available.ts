import type { V1Deployment } from '@kubernetes/client-node';
import { fail, type MatcherDefinition, type ObjectState, pass } from '../expect/index.ts';
import { conditionOf } from './pod-facts.ts';
import { deploymentSummary, generations } from './workload-facts.ts';

/**
 * The Deployment controller says the current spec has minimum availability: Available=True with
 * the current generation observed (`kubectl wait --for=condition=Available`, without the race on a
 * spec that was just changed).
 */
export function deploymentAvailable(): MatcherDefinition<ObjectState<V1Deployment>, V1Deployment> {
  return {
    name: 'toBeAvailable',
    expectation: 'to be available',
    test({ object: d }) {
      if (!d) return fail('the deployment does not exist');
      const summary = deploymentSummary(d);
      const { generation, observed } = generations(d);
      if (observed < generation) return fail(`the spec update is not observed yet: ${summary}`);
      const available = conditionOf(d, 'Available');
      if (available?.status !== 'True') {
        const why = available?.message ? ` (${available.message})` : '';
        return fail(`${available ? 'Available is not True' : 'no Available condition'}${why}: ${summary}`);
      }
      return pass(d, summary);
    },
  };
}
