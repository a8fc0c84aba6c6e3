import type { V1Job } from '@kubernetes/client-node';
import { fail, type MatcherDefinition, type ObjectState, pass } from '../expect/index.ts';
import { jobSummary, trueCondition } from './workload-facts.ts';

/**
 * The Job has the Complete condition. A Job that fails (Failed, or FailureTarget, which always
 * ends in Failed) fails the wait at once: a failed Job never completes.
 */
export function jobComplete(): MatcherDefinition<ObjectState<V1Job>, V1Job> {
  return {
    name: 'toComplete',
    expectation: 'to complete',
    test({ object }) {
      if (!object) return fail('the job does not exist');
      const summary = jobSummary(object);
      if (trueCondition(object, 'Complete')) return pass(object, summary);
      if (trueCondition(object, 'Failed') || trueCondition(object, 'FailureTarget'))
        return fail(`it failed: ${summary}`, true);
      return fail(summary);
    },
  };
}
