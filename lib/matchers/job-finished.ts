import type { V1Job } from '@kubernetes/client-node';
import { fail, type MatcherDefinition, type ObjectState, pass } from '../expect/index.ts';
import { jobSummary, trueCondition } from './workload-facts.ts';

/** How a Job ended: what `toFinish()` resolves to. */
export type JobOutcome =
  | { kind: 'complete'; job: V1Job }
  | { kind: 'failed'; reason: string; message: string; job: V1Job };

/**
 * The elastic Job matcher: the Job ended, either way (Complete or Failed), and says which. For
 * specs where both endings are legitimate and the next step depends on which one happened.
 */
export function jobFinished(): MatcherDefinition<ObjectState<V1Job>, JobOutcome> {
  return {
    name: 'toFinish',
    expectation: 'to finish (Complete or Failed)',
    negatable: false,
    test({ object }) {
      if (!object) return fail('the job does not exist');
      const summary = jobSummary(object);
      if (trueCondition(object, 'Complete')) return pass({ kind: 'complete', job: object }, summary);
      const failed = trueCondition(object, 'Failed');
      if (failed) return pass({ kind: 'failed', ...failed, job: object }, summary);
      return fail(summary);
    },
  };
}
